using System.Diagnostics;
using VideoRec.Local.Embeddings;
using Xunit.Abstractions;

namespace VideoRec.Embeddings.Tests;

/// <summary>A quick single-thread latency figure (intra-op threads 1), printed, not asserted: not a benchmark.</summary>
[Collection(EmbeddingCollection.Name)]
public sealed class LatencyTests(GeneratorFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void SingleThreadLatency_Batch1AndBatch32()
    {
        var generator = fixture.Generator;
        Assert.Equal(1, generator.Options.IntraOpThreads);
        string[] titles =
        [
            "The Shawshank Redemption", "The Godfather Part II", "Spirited Away", "Amélie", "Toy Story 3",
            "The Lord of the Rings: The Return of the King", "Parasite", "City of God", "Seven Samurai", "Alien",
            "Back to the Future", "Pulp Fiction", "The Dark Knight", "Inception (2010) director's cut",
            "My Neighbor Totoro", "Star Wars: Episode V - The Empire Strikes Back", "Casablanca", "Psycho", "Up",
            "Whiplash", "Interstellar", "Léon: The Professional", "Coco", "Oldboy", "Heat", "Se7en", "Gladiator",
            "The Lion King", "Terminator 2: Judgment Day", "Modern Times", "Rear Window", "Apocalypse Now",
        ];
        Assert.Equal(32, titles.Length);

        generator.Embed(titles); // warm-up
        var single = Measure(() => generator.Embed([titles[0]]), 30);
        var batch = Measure(() => generator.Embed(titles), 8);

        output.WriteLine($"batch 1:  median {single.TotalMilliseconds:F2} ms per call");
        output.WriteLine($"batch 32: median {batch.TotalMilliseconds:F2} ms per call, {batch.TotalMilliseconds / 32:F2} ms per title");
        Console.WriteLine($"[MiniLM latency, 1 thread] batch 1: {single.TotalMilliseconds:F2} ms; batch 32: {batch.TotalMilliseconds:F2} ms ({batch.TotalMilliseconds / 32:F2} ms per title)");
    }

    private static TimeSpan Measure(Action action, int runs)
    {
        var times = new List<TimeSpan>(runs);
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed);
        }

        times.Sort();
        return times[runs / 2];
    }
}
