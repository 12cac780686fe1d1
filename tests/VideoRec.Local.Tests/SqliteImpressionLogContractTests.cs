using VideoRec.Contracts;
using VideoRec.Core.Online;
using VideoRec.Local.Sqlite;
using VideoRec.Local.Tests.Support;

namespace VideoRec.Local.Tests;

/// <summary>The impression-log contract against <see cref="SqliteImpressionLog"/>, a new database file per log.</summary>
public sealed class SqliteImpressionLogContractTests : ImpressionLogContract, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override IImpressionLog CreateLog() =>
        new SqliteImpressionLog(new SqliteDatabase(_directory.File(Guid.NewGuid().ToString("N") + ".db")));

    public void Dispose() => _directory.Dispose();
}
