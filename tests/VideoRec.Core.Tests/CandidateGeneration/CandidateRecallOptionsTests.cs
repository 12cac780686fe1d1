using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Evaluation.Candidates;

namespace VideoRec.Core.Tests.CandidateGeneration;

/// <summary>Bad settings of the offline candidate recall measurement are refused before any work.</summary>
public sealed class CandidateRecallOptionsTests
{
    [Theory]
    [InlineData(new int[0], 100, "Counts must hold at least one candidate count.")]
    [InlineData(new[] { 0, 500 }, 100, "Counts must each be 1–100000 (found 0, 500).")]
    [InlineData(new[] { 500, 500 }, 100, "Counts must not repeat a count (found 500, 500).")]
    [InlineData(new[] { 500 }, 0, "AnnK must be at least 1 (found 0).")]
    public async Task Bad_counts_and_k_are_refused_first(int[] counts, int annK, string problem)
    {
        // Nothing checked them: no counts threw IndexOutOfRangeException and a count of 0 ArgumentOutOfRangeException
        // from the merger, after every index was built and every user's candidates generated; AnnK = 0 failed inside
        // the index search.
        var options = new CandidateRecallOptions { Counts = counts, AnnK = annK };

        Assert.Equal([problem], options.Validate());
        var e = await Assert.ThrowsAsync<ArgumentException>(() => CandidateRecallEvaluation.RunAsync(null!, null!, null!, [], null,
            (d, m) => new ExactVectorIndex(d, m), options));
        Assert.Equal("Invalid candidate recall settings:" + Environment.NewLine + problem + " (Parameter 'options')", e.Message);
    }
}
