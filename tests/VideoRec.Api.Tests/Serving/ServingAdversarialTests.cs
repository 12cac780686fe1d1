using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VideoRec.Api.Tests.Functions;
using VideoRec.Api.Tests.Support;
using VideoRec.Core.Bundles;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Feedback;
using VideoRec.Core.Matrix;
using VideoRec.Core.Models.Baselines;
using VideoRec.Core.Models.Wals;
using VideoRec.Core.Serving;
using VideoRec.Core.Serving.Recommend;

namespace VideoRec.Api.Tests.Serving;

/// <summary>Odd bundles and concurrent swaps on the serving path.</summary>
public sealed class ServingAdversarialTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>An index provider that holds the build of one version until released, and reports its indexes' disposal.</summary>
    private sealed class GatedIndexes(IServingIndexProvider inner, string gatedVersion) : IServingIndexProvider
    {
        public ManualResetEventSlim Release { get; } = new(false);

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource GatedDisposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IVideoVectorIndex Create(ServingIndexSpec spec)
        {
            var index = inner.Create(spec);
            if (spec.ModelVersion != gatedVersion)
            {
                return index;
            }

            Entered.TrySetResult();
            Release.Wait(Patience);
            return new Reporting(index, GatedDisposed);
        }

        private sealed class Reporting(IVideoVectorIndex inner, TaskCompletionSource disposed) : DelegatingVectorIndex(inner), IDisposable
        {
            public void Dispose()
            {
                (Inner as IDisposable)?.Dispose();
                disposed.TrySetResult();
            }
        }
    }

    [Fact]
    public async Task A_slow_build_of_an_older_version_never_replaces_the_newer_one_built_after_it()
    {
        var provider = new SwappableModelBundleProvider(ServingBundle.Create("wals-test-1"));
        var indexes = new GatedIndexes(new ExactServingIndexProvider(), "wals-test-2");
        using var host = new ServingModelHost(provider, new ServingModelBuilder(TestServing.Generous(), indexes));
        var swapped = new List<string>();
        var olderSwapped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Swapped += m =>
        {
            lock (swapped)
            {
                swapped.Add(m.Version);
            }

            if (m.Version == "wals-test-2")
            {
                olderSwapped.TrySetResult();
            }
        };
        Assert.Equal("wals-test-1", host.Current.Version);

        provider.Swap(ServingBundle.Create("wals-test-2"));
        Assert.Equal("wals-test-1", host.Current.Version); // starts the (held) build of version 2
        await indexes.Entered.Task.WaitAsync(Patience);
        provider.Swap(ServingBundle.Create("wals-test-3"));
        Assert.Equal("wals-test-3", (await host.EnsureCurrentAsync(CancellationToken.None)).Version);

        // Version 2's build finishes last: it must be thrown away (its indexes disposed), not served.
        indexes.Release.Set();
        await Task.WhenAny(indexes.GatedDisposed.Task, olderSwapped.Task).WaitAsync(Patience);
        Assert.Equal("wals-test-3", host.ServedVersion);
        Assert.Equal(["wals-test-1", "wals-test-3"], swapped);
        Assert.True(indexes.GatedDisposed.Task.IsCompleted);
    }

    [Fact]
    public async Task A_version_rolled_back_while_it_builds_is_never_served()
    {
        var provider = new SwappableModelBundleProvider(ServingBundle.Create("wals-test-1"));
        var indexes = new GatedIndexes(new ExactServingIndexProvider(), "wals-test-2");
        using var host = new ServingModelHost(provider, new ServingModelBuilder(TestServing.Generous(), indexes));
        var rolledBackSwap = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Swapped += m =>
        {
            if (m.Version == "wals-test-2")
            {
                rolledBackSwap.TrySetResult();
            }
        };
        var first = host.Current;
        provider.Swap(ServingBundle.Create("wals-test-2"));
        Assert.Same(first, host.Current); // starts the (held) build of version 2
        await indexes.Entered.Task.WaitAsync(Patience);

        provider.Swap(first.Bundle); // the operator rolls back to version 1
        Assert.Same(first, host.Current);
        indexes.Release.Set();
        await Task.WhenAny(indexes.GatedDisposed.Task, rolledBackSwap.Task).WaitAsync(Patience);

        Assert.True(indexes.GatedDisposed.Task.IsCompleted);
        Assert.False(rolledBackSwap.Task.IsCompleted);
        Assert.Same(first, host.Current);
    }

    [Fact]
    public async Task A_build_that_finishes_after_the_host_is_disposed_is_disposed_too_and_never_served()
    {
        var provider = new SwappableModelBundleProvider(ServingBundle.Create("wals-test-1"));
        var indexes = new GatedIndexes(new ExactServingIndexProvider(), "wals-test-2");
        var host = new ServingModelHost(provider, new ServingModelBuilder(TestServing.Generous(), indexes));
        var lateSwap = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Swapped += m =>
        {
            if (m.Version == "wals-test-2")
            {
                lateSwap.TrySetResult();
            }
        };
        Assert.Equal("wals-test-1", host.Current.Version);
        provider.Swap(ServingBundle.Create("wals-test-2"));
        Assert.Equal("wals-test-1", host.Current.Version); // starts the (held) build of version 2
        await indexes.Entered.Task.WaitAsync(Patience);

        host.Dispose(); // the app stops while version 2 builds
        indexes.Release.Set();
        await Task.WhenAny(indexes.GatedDisposed.Task, lateSwap.Task).WaitAsync(Patience);

        Assert.True(indexes.GatedDisposed.Task.IsCompleted);
        Assert.False(lateSwap.Task.IsCompleted);
        Assert.Null(host.ServedVersion);
        Assert.Throws<ObjectDisposedException>(() => host.Current);
    }

    [Fact]
    public void Similar_videos_never_include_hidden_or_misinformation_videos()
    {
        var options = TestServing.Generous();
        using var host = new ServingModelHost(new FixedModelBundleProvider(ServingBundle.Create()), new ServingModelBuilder(options, new ExactServingIndexProvider()));
        var handler = new RecommendationHandler(host, new ServingOptions(), options, null, null, new FixedTimeProvider(ServingBundle.Now));

        var similar = handler.Similar("v01", 3).Value!;

        // Cosine to v01 ([0.90, 0]): v12, v03 (misinformation) and v04 (hidden) 1.0, v02 0.998, v05 0.990.
        Assert.Equal(["v12", "v02", "v05"], similar.Items.Select(i => i.VideoId));
    }

    private static ModelBundle Empty(string version)
    {
        var wals = new WalsOptions { Factors = 2 };
        var manifest = new BundleManifest
        {
            ModelVersion = version,
            CreatedAt = ServingBundle.Now.AddDays(-1),
            Data = new BundleData("serving-test", "empty", new string('0', 64), 0, 0, 0),
            Wals = wals,
            Relevance = new RelevancePolicy(),
            Weights = new FeedbackWeights(),
        };
        return new ModelBundle(manifest, new IdIndex([]), new IdIndex([]), new WalsModel(2, [], [], wals), new PopularityModel([]),
            SparseMatrix.FromEntries(0, 0, []), []);
    }

    [Fact]
    public async Task A_bundle_without_videos_or_users_warms_up_and_serves_an_empty_page()
    {
        var options = TestServing.Generous();
        using var host = new ServingModelHost(new FixedModelBundleProvider(Empty("wals-empty")), new ServingModelBuilder(options, new ExactServingIndexProvider()));
        var handler = new RecommendationHandler(host, new ServingOptions(), options, null, null, new FixedTimeProvider(ServingBundle.Now));
        await handler.WarmUpAsync(CancellationToken.None);

        var outcome = await handler.RecommendAsync(new RecommendQuery { UserId = "u1", K = 5, Explain = true });

        Assert.True(outcome.IsSuccess);
        Assert.Empty(outcome.Value!.Items);
        Assert.True(Core.Reranking.PageToken.TryDecode(outcome.Value.NextPageToken, out var served, out _));
        Assert.Empty(served);
    }

    [Fact]
    public async Task A_client_that_went_away_gets_499_and_no_exception_escapes_the_endpoint()
    {
        var options = TestServing.Generous();
        using var host = new ServingModelHost(new FixedModelBundleProvider(ServingBundle.Create()), new ServingModelBuilder(options, new ExactServingIndexProvider()));
        var handler = new RecommendationHandler(host, new ServingOptions(), options, null, null, new FixedTimeProvider(ServingBundle.Now));
        using var gone = new CancellationTokenSource();
        gone.Cancel();
        var context = new DefaultHttpContext { RequestAborted = gone.Token };
        context.Request.Method = HttpMethods.Get;
        context.Request.QueryString = new QueryString("?k=3");

        var result = await RecommendationEndpoints.Recommend(handler, "u1", context.Request, gone.Token);

        using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var response = new DefaultHttpContext { RequestServices = services };
        await result.ExecuteAsync(response);
        Assert.Equal(StatusCodes.Status499ClientClosedRequest, response.Response.StatusCode);
    }
}
