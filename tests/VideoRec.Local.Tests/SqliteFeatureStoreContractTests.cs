using VideoRec.Contracts;
using VideoRec.Core.Ingestion;
using VideoRec.Local.Sqlite;
using VideoRec.Local.Tests.Support;

namespace VideoRec.Local.Tests;

/// <summary>The feature-store contract against <see cref="SqliteFeatureStore"/>, a new database file per store.</summary>
public sealed class SqliteFeatureStoreContractTests : FeatureStoreContract, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override IFeatureStore CreateStore() =>
        new SqliteFeatureStore(new SqliteDatabase(_directory.File(Guid.NewGuid().ToString("N") + ".db")));

    public void Dispose() => _directory.Dispose();
}
