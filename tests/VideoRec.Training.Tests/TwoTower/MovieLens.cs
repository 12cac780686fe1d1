using VideoRec.Core.Domain;
using VideoRec.Import;

namespace VideoRec.Training.Tests.TwoTower;

/// <summary>MovieLens 100K, read in place from ../shared/data beside the repository (never copied into it).</summary>
internal static class MovieLens
{
    public static Dataset Load100K()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Serverless.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        return DatasetLoader.Load(Path.Combine(root, "..", "shared", "data", "ml-100k")).Dataset;
    }
}
