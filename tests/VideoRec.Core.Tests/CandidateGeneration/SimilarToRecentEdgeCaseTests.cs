using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Generators;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Matrix;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>Odd recent-watch lists for the similar-to-recent source.</summary>
public sealed class SimilarToRecentEdgeCaseTests
{
    [Fact]
    public async Task A_null_entry_among_the_recent_watches_is_skipped_not_a_failed_source()
    {
        // The null went to the vector table's id lookup: ArgumentNullException, and the whole source failed for the request.
        var table = new VideoVectorTable(new IdIndex(["s1", "a", "b"]), [1f, 0f, 0.8f, 0.6f, 0f, 1f], 2);
        var index = new ExactVectorIndex(2, VectorMetric.Cosine);
        index.Upsert(table.Entries().ToArray());
        var generator = new SimilarToRecentCandidateGenerator(index, table, new CandidateGenerationOptions());
        var request = new CandidateRequest { UserId = "u", Now = DateTimeOffset.UnixEpoch, RecentWatches = [null!, "", "s1"] };

        var candidates = await generator.GenerateAsync(request, 10, CancellationToken.None);

        Assert.Equal([("a", 0.8f), ("b", 0f)], candidates.Select(c => (c.VideoId, (float)Math.Round(c.Score, 5))));
    }
}
