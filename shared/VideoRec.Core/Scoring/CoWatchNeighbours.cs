using System.Text;

namespace VideoRec.Core.Scoring;

/// <summary>
/// Item-to-item co-watch neighbours: for each video, the videos most often relevant to the same users, by shrunk cosine
/// of their user sets, s(i, j) = c(i, j) / (√(n(i) · n(j)) + λ), where c(i, j) counts users for whom both were relevant
/// and n(i) those for whom i was (item-based collaborative filtering, Sarwar et al., WWW 2001; the shrinkage term λ
/// damps pairs seen by few users, as in Koren, KDD 2008). The ranker reads them as the <c>cowatch_*</c> cross features:
/// how close a candidate is to what the user watched recently, a local signal the low-rank WALS and two-tower scores
/// smooth away. Built at training time from the same relevant pairs WALS reads; saved with the ranker.
/// </summary>
/// <remarks>Lists are sorted by descending similarity (ties by ascending index); a video is never its own neighbour.
/// Read-only after construction: safe to share between threads.</remarks>
public sealed class CoWatchNeighbours
{
    /// <summary>Neighbours kept per video by default.</summary>
    public const int DefaultNeighbours = 100;

    /// <summary>Shrinkage λ by default (users).</summary>
    public const float DefaultShrinkage = 10f;

    private const int Magic = 0x57435256; // "VRCW"
    private const int FormatVersion = 1;
    private readonly int[] _offsets;
    private readonly int[] _neighbours;
    private readonly float[] _weights;

    private CoWatchNeighbours(string[] ids, int[] offsets, int[] neighbours, float[] weights)
    {
        Ids = ids;
        _offsets = offsets;
        _neighbours = neighbours;
        _weights = weights;
    }

    /// <summary>The video ids, <c>[videos]</c>; neighbour indices point into this list.</summary>
    public IReadOnlyList<string> Ids { get; }

    /// <summary>Number of videos.</summary>
    public int Count => Ids.Count;

    /// <summary>Total neighbour entries over all videos.</summary>
    public int Entries => _neighbours.Length;

    /// <summary>The neighbours of video <paramref name="video"/> (indices into <see cref="Ids"/>), best first.</summary>
    public ReadOnlySpan<int> Neighbours(int video) => _neighbours.AsSpan(_offsets[video], _offsets[video + 1] - _offsets[video]);

    /// <summary>Their weights, aligned with <see cref="Neighbours"/>: similarities in (0, 1) from <see cref="Build"/>, signed regression weights from <see cref="FromLists"/>.</summary>
    public ReadOnlySpan<float> Weights(int video) => _weights.AsSpan(_offsets[video], _offsets[video + 1] - _offsets[video]);

    /// <summary>Counts co-occurrences and keeps each video's best <paramref name="neighbours"/>.</summary>
    /// <param name="ids">Video ids, <c>[videos]</c>, distinct.</param>
    /// <param name="relevant">Each user's relevant videos (indices into <paramref name="ids"/>; repeats are counted once).</param>
    /// <param name="neighbours">Neighbours kept per video (≥ 1).</param>
    /// <param name="shrinkage">λ ≥ 0, in users.</param>
    /// <param name="cancellationToken">Stops the count between videos.</param>
    /// <exception cref="ArgumentException">Ids repeat, an index is out of range, or a parameter is out of range.</exception>
    /// <remarks>Cost Σᵤ |Iᵤ|² additions (the pairs of each user's relevant videos), spread over the cores.</remarks>
    public static CoWatchNeighbours Build(IReadOnlyList<string> ids, IEnumerable<IReadOnlyCollection<int>> relevant, int neighbours = DefaultNeighbours,
        float shrinkage = DefaultShrinkage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(relevant);
        ArgumentOutOfRangeException.ThrowIfLessThan(neighbours, 1);
        if (!float.IsFinite(shrinkage) || shrinkage < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(shrinkage), shrinkage, "The shrinkage must be a finite number ≥ 0.");
        }

        var n = ids.Count;
        if (ids.Distinct(StringComparer.Ordinal).Count() != n)
        {
            throw new ArgumentException("The video ids must be distinct.", nameof(ids));
        }

        var users = new List<int[]>();
        foreach (var items in relevant)
        {
            var list = (items ?? []).Distinct().Order().ToArray();
            if (list.Length > 0 && (list[0] < 0 || list[^1] >= n))
            {
                throw new ArgumentException($"A relevant video index is outside 0..{n - 1}.", nameof(relevant));
            }

            if (list.Length > 1)
            {
                users.Add(list);
            }
        }

        var byVideo = new List<int>[n];
        var counts = new int[n];
        for (var u = 0; u < users.Count; u++)
        {
            foreach (var v in users[u])
            {
                (byVideo[v] ??= []).Add(u);
                counts[v]++;
            }
        }

        var lists = new (int[] Neighbours, float[] Weights)[n];
        Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellationToken }, () => (Co: new int[n], Touched: new List<int>()), (i, _, scratch) =>
        {
            lists[i] = ([], []);
            if (byVideo[i] is not { } readers)
            {
                return scratch;
            }

            foreach (var u in readers)
            {
                foreach (var j in users[u])
                {
                    if (j != i && scratch.Co[j]++ == 0)
                    {
                        scratch.Touched.Add(j);
                    }
                }
            }

            var top = new PriorityQueue<int, (float, int)>();
            foreach (var j in scratch.Touched)
            {
                var s = (float)(scratch.Co[j] / (Math.Sqrt((double)counts[i] * counts[j]) + shrinkage));
                scratch.Co[j] = 0;
                top.Enqueue(j, (s, -j));
                if (top.Count > neighbours)
                {
                    top.Dequeue();
                }
            }

            scratch.Touched.Clear();
            var kept = new (int Video, float Weight)[top.Count];
            for (var k = kept.Length - 1; k >= 0; k--)
            {
                top.TryDequeue(out var j, out var key);
                kept[k] = (j, key.Item1);
            }

            lists[i] = ([.. kept.Select(x => x.Video)], [.. kept.Select(x => x.Weight)]);
            return scratch;
        }, _ => { });

        var offsets = new int[n + 1];
        for (var i = 0; i < n; i++)
        {
            offsets[i + 1] = offsets[i] + lists[i].Neighbours.Length;
        }

        var all = new int[offsets[n]];
        var weights = new float[offsets[n]];
        for (var i = 0; i < n; i++)
        {
            lists[i].Neighbours.CopyTo(all, offsets[i]);
            lists[i].Weights.CopyTo(weights, offsets[i]);
        }

        return new CoWatchNeighbours([.. ids], offsets, all, weights);
    }

    /// <summary>Makes lists from given weights (such as an item-to-item regression's, see the training project's EASE builder).</summary>
    /// <param name="ids">Video ids, <c>[videos]</c>, distinct.</param>
    /// <param name="lists">Per video, its neighbours (indices into <paramref name="ids"/>) and finite weights, best first.</param>
    /// <exception cref="ArgumentException">Ids repeat, the counts differ, an index is out of range or the video itself, or a weight is not finite.</exception>
    public static CoWatchNeighbours FromLists(IReadOnlyList<string> ids, IReadOnlyList<(int[] Neighbours, float[] Weights)> lists)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(lists);
        var n = ids.Count;
        if (lists.Count != n)
        {
            throw new ArgumentException($"{lists.Count} lists for {n} videos.", nameof(lists));
        }

        if (ids.Distinct(StringComparer.Ordinal).Count() != n)
        {
            throw new ArgumentException("The video ids must be distinct.", nameof(ids));
        }

        var offsets = new int[n + 1];
        for (var i = 0; i < n; i++)
        {
            var (neighbours, weights) = lists[i];
            if (neighbours.Length != weights.Length)
            {
                throw new ArgumentException($"Video {i}: {neighbours.Length} neighbours and {weights.Length} weights.", nameof(lists));
            }

            for (var k = 0; k < neighbours.Length; k++)
            {
                if ((uint)neighbours[k] >= (uint)n || neighbours[k] == i || !float.IsFinite(weights[k]))
                {
                    throw new ArgumentException($"Video {i}: neighbour entry {k} ({neighbours[k]}, {weights[k]}) is out of range, the video itself, or not finite.", nameof(lists));
                }
            }

            offsets[i + 1] = offsets[i] + neighbours.Length;
        }

        var all = new int[offsets[n]];
        var allWeights = new float[offsets[n]];
        for (var i = 0; i < n; i++)
        {
            lists[i].Neighbours.CopyTo(all, offsets[i]);
            lists[i].Weights.CopyTo(allWeights, offsets[i]);
        }

        return new CoWatchNeighbours([.. ids], offsets, all, allWeights);
    }

    /// <summary>Writes the lists (binary, little-endian: magic, version, ids, offsets, neighbours, weights).</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(Count);
        foreach (var id in Ids)
        {
            writer.Write(id);
        }

        foreach (var o in _offsets)
        {
            writer.Write(o);
        }

        foreach (var v in _neighbours)
        {
            writer.Write(v);
        }

        foreach (var w in _weights)
        {
            writer.Write(w);
        }
    }

    /// <summary>Writes the lists to <paramref name="path"/> (through a temporary file, then moved into place).</summary>
    public void Save(string path)
    {
        var temporary = path + ".tmp";
        using (var file = File.Create(temporary))
        {
            Save(file);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads lists written by <see cref="Save(Stream)"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is not a co-watch file of this version, is truncated, or its
    /// lists are inconsistent (an id repeats or cannot be read, an offset is out of order, a neighbour is out of range or the video itself, a weight is not finite).</exception>
    public static CoWatchNeighbours Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            if (reader.ReadInt32() != Magic)
            {
                throw new InvalidDataException("Not a co-watch neighbour file (bad magic number).");
            }

            var version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw new InvalidDataException($"Co-watch neighbour file version {version}; this build reads {FormatVersion}.");
            }

            var n = reader.ReadInt32();
            var left = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
            if (n < 0 || (long)n * 5 > left)
            {
                throw new InvalidDataException($"The video count {n} does not fit the file ({left} bytes left).");
            }

            var ids = new string[n];
            for (var i = 0; i < n; i++)
            {
                try
                {
                    ids[i] = reader.ReadString();
                }
                catch (Exception e) when (e is FormatException || (e is IOException && e is not EndOfStreamException))
                {
                    // A damaged length prefix: BinaryReader's 7-bit integer overflows (FormatException) or is negative (IOException).
                    throw new InvalidDataException($"Video id {i} is damaged: {e.Message}", e);
                }
            }

            if (ids.Distinct(StringComparer.Ordinal).Count() != n)
            {
                throw new InvalidDataException("The co-watch neighbour file repeats a video id.");
            }

            var offsets = new int[n + 1];
            for (var i = 0; i <= n; i++)
            {
                offsets[i] = reader.ReadInt32();
                if (offsets[i] < 0 || (i > 0 && offsets[i] < offsets[i - 1]) || (i == 0 && offsets[0] != 0))
                {
                    throw new InvalidDataException($"Co-watch offset {i} ({offsets[i]}) is out of order.");
                }
            }

            left = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
            if ((long)offsets[n] * 8 > left)
            {
                throw new InvalidDataException($"{offsets[n]} neighbour entries do not fit the file ({left} bytes left).");
            }

            var neighbours = new int[offsets[n]];
            for (int v = 0, k = 0; v < n; v++)
            {
                for (; k < offsets[v + 1]; k++)
                {
                    neighbours[k] = reader.ReadInt32();
                    if ((uint)neighbours[k] >= (uint)n || neighbours[k] == v)
                    {
                        throw new InvalidDataException($"Co-watch neighbour entry {k} points at video {neighbours[k]}, outside 0..{n - 1} or video {v} itself.");
                    }
                }
            }

            var weights = new float[offsets[n]];
            for (var k = 0; k < weights.Length; k++)
            {
                weights[k] = reader.ReadSingle();
                if (!float.IsFinite(weights[k]))
                {
                    throw new InvalidDataException($"Co-watch weight {k} is {weights[k]}; weights are finite.");
                }
            }

            return new CoWatchNeighbours(ids, offsets, neighbours, weights);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The co-watch neighbour file is truncated.", e);
        }
    }

    /// <summary>Reads the lists from <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">See <see cref="Load(Stream)"/>, or bytes follow the lists; the message names the file.</exception>
    public static CoWatchNeighbours Load(string path)
    {
        using var file = File.OpenRead(path);
        try
        {
            var lists = Load(file);
            return file.Position == file.Length ? lists : throw new InvalidDataException($"{file.Length - file.Position} bytes follow the co-watch lists.");
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
