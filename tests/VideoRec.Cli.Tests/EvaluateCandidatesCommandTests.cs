using VideoRec.Cli.Tests.Support;

namespace VideoRec.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class EvaluateCandidatesCommandTests : IDisposable
{
    private static readonly string MovieLens100K = Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "data", "ml-100k"));

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Candidate_recall_on_MovieLens_100K_is_reported_per_source_and_merged()
    {
        var jsonPath = _temp["candidates.json"];

        var result = await Vrec.SucceedsAsync("evaluate-candidates", "--data", MovieLens100K, "--no-two-tower", "--counts", "100,1000", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal(943, (int)json["users"]!);
        Assert.Equal("usearch", (string?)json["engine"]);
        var recall = json["recall"]!.AsObject();
        Assert.Equal(["wals", "similar", "popular", "trending", "fresh", "merged"], recall.Select(r => r.Key).ToArray());
        foreach (var (source, values) in recall)
        {
            var at100 = (double)values!["100"]!;
            var at1000 = (double)values["1000"]!;
            Assert.True(at100 >= 0 && at100 <= at1000 && at1000 <= 1, $"{source}: {at100} then {at1000}");
        }

        // WALS alone finds most held-out videos among 1,000 of 1,682; merging keeps nearly all of them (measured 0.993 / 0.992).
        Assert.InRange((double)recall["wals"]!["1000"]!, 0.97, 1.0);
        Assert.InRange((double)recall["merged"]!["1000"]!, 0.97, 1.0);
        // At 100 candidates the personalised source beats the popular list by a wide margin.
        Assert.True((double)recall["wals"]!["100"]! > (double)recall["popular"]!["100"]! + 0.1);
        // HNSW over 1,682 videos at the default search expansion finds (nearly) the exact top 100.
        Assert.InRange((double)json["ann"]!["wals"]!["recall_at_100"]!, 0.99, 1.0);
        Assert.Equal("usearch-hnsw", (string?)json["ann"]!["wals"]!["engine"]);
        Assert.Equal(1.0, json["merged_share"]!.AsObject().Sum(s => (double)s.Value!), 3);
        Assert.Contains("Candidate recall, ml-100k, seed 42, 943 users", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--counts", "0", "--counts must be between 1 and 100000.")]
    [InlineData("--counts", "x", "--counts")]
    public async Task Bad_counts_are_refused_naming_the_option(string option, string value, string expected)
    {
        var message = await Vrec.FailsWithBadInputAsync("evaluate-candidates", "--data", MovieLens100K, "--no-two-tower", option, value);

        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_exact_engine_reproduces_exact_search()
    {
        var jsonPath = _temp["exact.json"];

        await Vrec.SucceedsAsync("evaluate-candidates", "--data", MovieLens100K, "--no-two-tower", "--engine", "exact", "--counts", "50", "--json", jsonPath);

        var json = Vrec.ReadJson(jsonPath);
        Assert.Equal(1.0, (double)json["ann"]!["wals"]!["recall_at_100"]!);
        Assert.Equal("exact", (string?)json["ann"]!["wals"]!["engine"]);
    }

    [Fact]
    public async Task An_unknown_engine_is_a_usage_error()
    {
        var message = await Vrec.FailsWithUsageErrorAsync("evaluate-candidates", "--data", MovieLens100K, "--engine", "faiss");

        Assert.Contains("--engine", message, StringComparison.Ordinal);
    }
}
