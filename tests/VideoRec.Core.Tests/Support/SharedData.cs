namespace VideoRec.Core.Tests.Support;

/// <summary>Locates the read-only datasets in ../shared/data beside the repository (CI has them too) and the shipped sample.</summary>
public static class SharedData
{
    /// <summary>The repository root (the folder holding Serverless.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>MovieLens 100K, read in place (its licence forbids copying it into the repository).</summary>
    public static string MovieLens100K => System.IO.Path.GetFullPath(System.IO.Path.Combine(RepositoryRoot, "..", "shared", "data", "ml-100k"));

    /// <summary>The shipped ml-latest-small sample.</summary>
    public static string MovieLensLatestSmall => System.IO.Path.Combine(RepositoryRoot, "data", "ml-latest-small");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Serverless.sln not found above " + AppContext.BaseDirectory);
    }
}
