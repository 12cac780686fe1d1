using System.Diagnostics;
using System.Diagnostics.Metrics;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.Pipeline;

namespace VideoRec.Core.Tests.Pipeline;

public sealed class RecommendTelemetryTests
{
    [Fact]
    public void Candidate_sets_and_stages_are_recorded_with_tags_but_no_ids()
    {
        var measurements = new List<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RecommendTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, Convert.ToDouble(value), tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
            }
        }

        listener.SetMeasurementEventCallback<double>(Record);
        listener.SetMeasurementEventCallback<int>(Record);
        listener.SetMeasurementEventCallback<long>(Record);
        listener.Start();

        var set = new CandidateSet([], [new SourceReport("wals", SourceStatus.Ok, 7, 5, 1.5), new SourceReport("twotower", SourceStatus.TimedOut, 0, 0, 50, "late")],
            new Dictionary<string, IReadOnlyList<Candidate>>());
        RecommendTelemetry.RecordCandidates(set);
        RecommendTelemetry.RecordStage(new StageReport("scoring", 3.25, "ranker failed"));

        // Only this test's measurements: other tests may record concurrently through the same static meter.
        var mine = measurements.Where(m => m.Tags.TryGetValue("source", out var s) && (string?)s is "wals" or "twotower" || m.Tags.GetValueOrDefault("stage") as string == "scoring").ToList();
        Assert.Contains(mine, m => m.Instrument == "videorec.candidates.source.duration" && m.Value == 1.5 && (string?)m.Tags["status"] == "ok");
        Assert.Contains(mine, m => m.Instrument == "videorec.candidates.source.duration" && m.Value == 50 && (string?)m.Tags["status"] == "timed_out");
        Assert.Contains(mine, m => m.Instrument == "videorec.candidates.source.count" && m.Value == 7 && (string?)m.Tags["source"] == "wals");
        Assert.Contains(mine, m => m.Instrument == "videorec.recommend.fallbacks" && (string?)m.Tags["stage"] == "candidates" && (string?)m.Tags["source"] == "twotower");
        Assert.Contains(mine, m => m.Instrument == "videorec.recommend.stage.duration" && m.Value == 3.25);
        Assert.Contains(mine, m => m.Instrument == "videorec.recommend.fallbacks" && (string?)m.Tags["stage"] == "scoring");
        Assert.DoesNotContain(mine, m => m.Tags.Keys.Any(k => k.Contains("user", StringComparison.OrdinalIgnoreCase) || k.Contains("video", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task A_request_traces_one_activity_with_a_child_per_stage()
    {
        var started = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == RecommendTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (started)
                {
                    started.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var root = new Activity("test-root").Start();

        var generation = new CandidateGenerationOptions { MergedCount = 10, Sources = new() { ["fixed"] = new() { BudgetMs = 2000 } } };
        var pipeline = new RecommendationPipeline(new CandidateGenerationPipeline([new Fixed()], generation), new FusedScoreScorer(),
            _ => new VideoRec.Core.Reranking.RerankVideo { Impressions = 1000 }, _ => [], new PipelineOptions(), new VideoRec.Core.Reranking.RerankOptions());
        await pipeline.RunAsync(new CandidateRequest { UserId = "u", Now = DateTimeOffset.UnixEpoch }, new VideoRec.Core.Reranking.RerankContext { K = 2, Now = DateTimeOffset.UnixEpoch });

        var mine = started.Where(a => a.TraceId == root.TraceId).ToList();
        var request = Assert.Single(mine, a => a.OperationName == "recommend");
        Assert.Equal(["candidates", "scoring", "reranking"], mine.Where(a => a.ParentSpanId == request.SpanId).Select(a => a.OperationName));
        Assert.Equal(false, request.GetTagItem("degraded"));
    }

    private sealed class Fixed : ICandidateGenerator
    {
        public string Name => "fixed";

        public ValueTask<IReadOnlyList<Candidate>> GenerateAsync(CandidateRequest request, int count, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<Candidate>>([new Candidate("a", 1, Name), new Candidate("b", 0.5f, Name)]);
    }
}
