using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VideoRec.Core.Domain;
using VideoRec.Core.Matrix;
using VideoRec.Core.Models.Baselines;
using VideoRec.Core.Models.Wals;

namespace VideoRec.Core.Bundles;

/// <summary>
/// Everything a serving process needs, versioned together: the manifest, the user and video ids, the WALS factors,
/// popularity counts for cold start, each known user's training videos (filtered from recommendations) and the
/// catalogue titles. Stored as a directory of small files (see <see cref="Save"/>); loaded once per process.
/// </summary>
public sealed class ModelBundle
{
    private const string ManifestFile = "manifest.json";
    private const string CurrentFile = "CURRENT";

    /// <summary>JSON settings of bundle files: snake_case keys, enums as strings.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Assembles a bundle; the parts must agree in size.</summary>
    /// <exception cref="ArgumentException">Sizes disagree.</exception>
    public ModelBundle(BundleManifest manifest, IdIndex users, IdIndex videos, WalsModel wals, PopularityModel popularity,
        SparseMatrix seen, IReadOnlyList<CatalogueEntry> catalogue)
    {
        if (wals.Users != users.Count || wals.Videos != videos.Count || popularity.Videos != videos.Count ||
            seen.Rows != users.Count || seen.Columns != videos.Count || catalogue.Count != videos.Count)
        {
            throw new ArgumentException(
                $"Bundle parts disagree: {users.Count} users and {videos.Count} videos in the ids, WALS [{wals.Users}, {wals.Videos}], " +
                $"popularity [{popularity.Videos}], seen [{seen.Rows}, {seen.Columns}], catalogue [{catalogue.Count}].");
        }

        Manifest = manifest;
        Users = users;
        Videos = videos;
        Wals = wals;
        Popularity = popularity;
        Seen = seen;
        Catalogue = catalogue;
    }

    /// <summary>The manifest.</summary>
    public BundleManifest Manifest { get; }

    /// <summary>The directory the bundle was loaded from (<see cref="Load"/>), or <c>null</c> for a bundle built in memory.</summary>
    public string? SourceDirectory { get; private set; }

    /// <summary>The model version, from the manifest.</summary>
    public string Version => Manifest.ModelVersion;

    /// <summary>User ids by row.</summary>
    public IdIndex Users { get; }

    /// <summary>Video ids by column.</summary>
    public IdIndex Videos { get; }

    /// <summary>The WALS model.</summary>
    public WalsModel Wals { get; }

    /// <summary>Popularity counts, the cold-start ranking.</summary>
    public PopularityModel Popularity { get; }

    /// <summary>Each known user's training videos, <c>[users, videos]</c> (strength and preference as trained).</summary>
    public SparseMatrix Seen { get; }

    /// <summary>Title and tags by video index.</summary>
    public IReadOnlyList<CatalogueEntry> Catalogue { get; }

    /// <summary>A new model version string: <c>wals-&lt;UTC time&gt;-&lt;8 hex of the data hash and settings&gt;</c>.</summary>
    public static string NewVersion(DateTimeOffset createdAt, string dataSha256, WalsOptions options)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(dataSha256 + JsonSerializer.Serialize(options, JsonOptions)));
        return $"wals-{createdAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(digest)[..8]}";
    }

    /// <summary>
    /// Writes the bundle to <c>&lt;root&gt;/&lt;version&gt;/</c> (through a temporary folder renamed at the end, so a
    /// reader never sees half a bundle) and points <c>&lt;root&gt;/CURRENT</c> at it. Files: manifest.json, users.txt,
    /// videos.txt (one id per line), user_factors.f32 <c>[users, k]</c>, video_factors.f32 <c>[videos, k]</c>,
    /// popularity.f32 <c>[videos]</c>, seen.i32 (CSR row pointers then column indices), catalogue.json.
    /// Floats and integers are little-endian.
    /// </summary>
    /// <param name="root">The model folder; created when missing.</param>
    /// <param name="folders">Folders trained beside the bundle (name inside the bundle → a scratch folder, such as
    /// <c>twotower</c> and <c>ranker</c>), moved into the bundle before it is renamed into place and before CURRENT
    /// names it, so a server watching CURRENT never loads the bundle without them. When the version is already saved
    /// (the same model), a folder it already has is kept and the scratch copy deleted.</param>
    /// <returns>The bundle directory.</returns>
    /// <exception cref="IOException">The version directory exists but holds no bundle.</exception>
    /// <exception cref="ArgumentException">An id breaks <see cref="EntityIds"/>' rule, or a folder name is not a plain name.</exception>
    public string Save(string root, IReadOnlyDictionary<string, string>? folders = null)
    {
        folders ??= new Dictionary<string, string>();
        foreach (var name in folders.Keys)
        {
            if (string.IsNullOrWhiteSpace(name) || name != Path.GetFileName(name) || name.StartsWith('.'))
            {
                throw new ArgumentException($"'{name}' is not a folder name a bundle can hold.", nameof(folders));
            }
        }

        foreach (var id in Users.Ids.Concat(Videos.Ids))
        {
            if (EntityIds.Check(id) is var problem && problem != IdProblem.None)
            {
                throw new ArgumentException($"Cannot save the bundle: {EntityIds.Describe(problem, $"the id '{id[..Math.Min(id.Length, 40)]}'")}");
            }
        }

        Directory.CreateDirectory(root);
        var final = Path.Combine(root, Version);
        if (Directory.Exists(final))
        {
            // The version hashes the data and the settings, and training is deterministic: the same version saved
            // twice (two runs within one second) is the same model, so point CURRENT at the copy already there.
            if (!File.Exists(Path.Combine(final, ManifestFile)))
            {
                throw new IOException($"{final}: exists but holds no bundle; remove it and train again.");
            }

            foreach (var (name, source) in folders)
            {
                if (Directory.Exists(Path.Combine(final, name)))
                {
                    Directory.Delete(source, recursive: true);
                }
                else
                {
                    Directory.Move(source, Path.Combine(final, name));
                }
            }

            WriteCurrent(root);
            return final;
        }

        var temporary = Path.Combine(root, $".{Version}.tmp");
        if (Directory.Exists(temporary))
        {
            Directory.Delete(temporary, recursive: true);
        }

        Directory.CreateDirectory(temporary);
        try
        {
            File.WriteAllText(Path.Combine(temporary, ManifestFile), JsonSerializer.Serialize(Manifest, JsonOptions));
            File.WriteAllLines(Path.Combine(temporary, "users.txt"), Users.Ids);
            File.WriteAllLines(Path.Combine(temporary, "videos.txt"), Videos.Ids);
            WriteArray(Path.Combine(temporary, "user_factors.f32"), Wals.UserFactors);
            WriteArray(Path.Combine(temporary, "video_factors.f32"), Wals.VideoFactors);
            WriteArray(Path.Combine(temporary, "popularity.f32"), Popularity.Counts.ToArray());
            WriteArray(Path.Combine(temporary, "seen.i32"), [.. Seen.RowStart, .. Seen.ColumnIndices]);
            File.WriteAllText(Path.Combine(temporary, "catalogue.json"), JsonSerializer.Serialize(Catalogue, JsonOptions));
            foreach (var (name, source) in folders)
            {
                Directory.Move(source, Path.Combine(temporary, name));
            }

            Directory.Move(temporary, final);
        }
        catch
        {
            Directory.Delete(temporary, recursive: true);
            throw;
        }
        WriteCurrent(root);
        return final;
    }

    private void WriteCurrent(string root)
    {
        var current = Path.Combine(root, CurrentFile);
        File.WriteAllText(current + ".tmp", Version + Environment.NewLine);
        File.Move(current + ".tmp", current, overwrite: true);
    }

    /// <summary>
    /// Loads a bundle from its directory, or from a model folder whose <c>CURRENT</c> file names one.
    /// </summary>
    /// <param name="path">A bundle directory (holding manifest.json) or a model folder (holding CURRENT).</param>
    /// <exception cref="DirectoryNotFoundException">Nothing is at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">A file is missing, has the wrong size, or the format is unknown; the message names it.</exception>
    public static ModelBundle Load(string path)
    {
        var directory = Resolve(path);
        var manifestPath = Path.Combine(directory, ManifestFile);
        var manifest = ReadJson<BundleManifest>(manifestPath);
        CheckManifest(manifest, manifestPath);

        var users = ReadIds(Path.Combine(directory, "users.txt"));
        var videos = ReadIds(Path.Combine(directory, "videos.txt"));
        var k = manifest.Wals.Factors;
        var userFactors = ReadFinite(Path.Combine(directory, "user_factors.f32"), (long)users.Count * k);
        var videoFactors = ReadFinite(Path.Combine(directory, "video_factors.f32"), (long)videos.Count * k);
        var popularityPath = Path.Combine(directory, "popularity.f32");
        var popularity = ReadFinite(popularityPath, videos.Count);
        if (popularity.Any(p => p < 0))
        {
            throw new InvalidDataException($"{popularityPath}: popularity counts must not be negative.");
        }

        var seen = ReadSeen(Path.Combine(directory, "seen.i32"), users.Count, videos.Count);
        var cataloguePath = Path.Combine(directory, "catalogue.json");
        var catalogue = ReadJson<List<CatalogueEntry?>>(cataloguePath);
        for (var v = 0; v < catalogue.Count; v++)
        {
            if (catalogue[v] is not { Title: not null, Tags: not null } entry || entry.Tags.Any(t => t is null))
            {
                throw new InvalidDataException($"{cataloguePath}: entry {v} must have a title and a list of tags.");
            }
        }

        var wals = new WalsModel(k, userFactors, videoFactors, manifest.Wals);
        try
        {
            return new ModelBundle(manifest, users, videos, wals, new PopularityModel(popularity), seen, catalogue!) { SourceDirectory = directory };
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{directory}: {e.Message}", e);
        }
    }

    private static void CheckManifest(BundleManifest manifest, string path)
    {
        if (manifest.FormatVersion != BundleManifest.CurrentFormat)
        {
            throw new InvalidDataException($"{path}: bundle format {manifest.FormatVersion} is not supported (expected {BundleManifest.CurrentFormat}).");
        }

        if (manifest.ModelVersion is null || !System.Text.RegularExpressions.Regex.IsMatch(manifest.ModelVersion, "^[A-Za-z0-9._-]{1,128}$"))
        {
            throw new InvalidDataException($"{path}: model_version must be 1 to 128 letters, digits, '.', '_' or '-'.");
        }

        if (manifest.Data is null || manifest.Wals is null || manifest.Relevance is null || manifest.Weights is null || manifest.Metrics is null)
        {
            throw new InvalidDataException($"{path}: data, wals, relevance, weights and metrics are all required.");
        }

        try
        {
            manifest.Wals.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"{path}: {e.Message.Split(" (Parameter", 2)[0]}", e);
        }
    }

    private static IdIndex ReadIds(string path)
    {
        var ids = ReadLines(path);
        for (var i = 0; i < ids.Length; i++)
        {
            if (EntityIds.Check(ids[i]) is var problem && problem != IdProblem.None)
            {
                throw new InvalidDataException($"{path}:{i + 1}: {EntityIds.Describe(problem, "the id")}");
            }
        }

        try
        {
            return new IdIndex(ids);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message.Split(" (Parameter", 2)[0]}", e);
        }
    }

    private static float[] ReadFinite(string path, long expectedLength)
    {
        var values = ReadArray<float>(path, expectedLength);
        var bad = Array.FindIndex(values, v => !float.IsFinite(v));
        return bad < 0 ? values : throw new InvalidDataException($"{path}: value {bad} is not a finite number.");
    }

    private static SparseMatrix ReadSeen(string path, int users, int videos)
    {
        var raw = ReadArray<int>(path, null);
        if (raw.Length < users + 1 || raw[0] != 0 || raw[users] != raw.Length - users - 1)
        {
            throw new InvalidDataException($"{path}: the row pointers do not match {users} users.");
        }

        for (var u = 0; u < users; u++)
        {
            if (raw[u + 1] < raw[u])
            {
                throw new InvalidDataException($"{path}: row pointer {u + 1} decreases.");
            }
        }

        var columns = raw[(users + 1)..];
        if (columns.Any(c => (uint)c >= (uint)videos))
        {
            throw new InvalidDataException($"{path}: a video index is outside 0..{videos - 1}.");
        }

        for (var u = 0; u < users; u++)
        {
            for (var e = raw[u] + 1; e < raw[u + 1]; e++)
            {
                if (columns[e] <= columns[e - 1])
                {
                    throw new InvalidDataException($"{path}: the videos of user row {u} are not sorted and unique.");
                }
            }
        }

        return new SparseMatrix(users, videos, raw[..(users + 1)], columns, new float[columns.Length], new float[columns.Length]);
    }

    /// <summary>The bundle directory for <paramref name="path"/>: itself when it holds a manifest, else the one CURRENT names.</summary>
    /// <exception cref="DirectoryNotFoundException">Neither exists.</exception>
    public static string Resolve(string path)
    {
        if (File.Exists(Path.Combine(path, ManifestFile)))
        {
            return path;
        }

        var current = Path.Combine(path, CurrentFile);
        if (File.Exists(current))
        {
            var version = File.ReadAllText(current).Trim();
            var directory = Path.Combine(path, version);
            if (version.Length > 0 && !version.Contains('/') && !version.Contains('\\') && File.Exists(Path.Combine(directory, ManifestFile)))
            {
                return directory;
            }

            throw new DirectoryNotFoundException($"{current}: names '{version}', which is not a bundle in {path}.");
        }

        throw new DirectoryNotFoundException($"{path}: no model bundle here (no manifest.json or CURRENT). Train one with 'vrec train' or 'vrec demo'.");
    }

    private static void WriteArray<T>(string path, T[] values) where T : unmanaged
    {
        EnsureLittleEndian();
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static T[] ReadArray<T>(string path, long? expectedLength) where T : unmanaged
    {
        EnsureLittleEndian();
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: missing from the bundle.");
        }

        var bytes = File.ReadAllBytes(path);
        var size = Marshal.SizeOf<T>();
        if (bytes.Length % size != 0 || (expectedLength is { } n && bytes.Length != n * size))
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes, expected {(expectedLength is { } m ? (m * size).ToString() : "a multiple of " + size)}.");
        }

        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    private static T ReadJson<T>(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: missing from the bundle.");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), JsonOptions)
                ?? throw new InvalidDataException($"{path}: empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static string[] ReadLines(string path) =>
        File.Exists(path) ? File.ReadAllLines(path) : throw new InvalidDataException($"{path}: missing from the bundle.");

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Model bundles are little-endian; this machine is big-endian.");
        }
    }
}
