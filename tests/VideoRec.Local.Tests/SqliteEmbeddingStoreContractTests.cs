using VideoRec.Contracts;
using VideoRec.Core.Embeddings;
using VideoRec.Local.Sqlite;
using VideoRec.Local.Tests.Support;

namespace VideoRec.Local.Tests;

/// <summary>The embedding-store contract against <see cref="SqliteEmbeddingStore"/>, a new database file per store.</summary>
public sealed class SqliteEmbeddingStoreContractTests : EmbeddingStoreContract, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override IEmbeddingStore CreateStore() =>
        new SqliteEmbeddingStore(new SqliteDatabase(_directory.File(Guid.NewGuid().ToString("N") + ".db")));

    public void Dispose() => _directory.Dispose();
}
