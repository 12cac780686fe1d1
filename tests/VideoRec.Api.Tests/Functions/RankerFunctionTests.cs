using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VideoRec.Api.Tests.Serving;
using VideoRec.Api.Tests.Support;
using VideoRec.Core.Bundles;
using VideoRec.Core.Serving.Recommend;
using VideoRec.Functions;
using VideoRec.Scoring.Serving;

namespace VideoRec.Api.Tests.Functions;

/// <summary>The function app as Program.cs registers it serves a bundle's <c>ranker/</c> folder with the ranker.</summary>
public sealed class RankerFunctionTests : FunctionAppTests
{
    private ServiceProvider App(string models) => Build(new()
    {
        ["VideoRec:ModelPath"] = models,
        ["VideoRec:Store"] = "Sqlite",
        ["VideoRec:DatabasePath"] = Path.Combine(Root, "store", "videorec.db"),
        ["VideoRec:Queue"] = "Sqlite",
        ["VideoRec:Embeddings"] = "None",
        ["VideoRec:Serving:ProfileBudgetMs"] = "10000",
        ["VideoRec:Serving:Pipeline:ScoringBudgetMs"] = "10000",
        ["VideoRec:Serving:Pipeline:CandidatesBudgetMs"] = "10000",
    });

    private static async Task<ExecutedResult> RecommendAsync(IServiceProvider provider, string user)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.QueryString = new QueryString("?k=3&explain=true");
        return await FunctionHttp.ExecuteAsync(await ActivatorUtilities.CreateInstance<RecommendationFunctions>(provider).Recommend(context.Request, user));
    }

    [Fact]
    public async Task The_function_app_scores_a_bundle_with_a_ranker_folder_by_the_ranker()
    {
        var models = Models();
        var folder = PlantedRanker.Write(ModelBundle.Resolve(models), PlantedRanker.AgainstWals());
        var provider = App(models);

        var result = await RecommendAsync(provider, TestData.Alice);

        Assert.Equal(200, result.Status);
        var body = result.Json!;
        Assert.Equal(PlantedRanker.Name(folder), (string?)body["explain"]!["scorer"]);
        Assert.Equal(3, body["items"]!.AsArray().Count);
        Assert.Empty(body["degraded"]!.AsArray());
        Assert.IsType<RankerCandidateScorer>(provider.GetRequiredService<ServingModelHost>().Current.Scorer);
    }

    [Fact]
    public async Task The_function_app_scores_a_bundle_without_a_ranker_folder_by_wals()
    {
        var provider = App(Models());

        var result = await RecommendAsync(provider, TestData.Alice);

        Assert.Equal(200, result.Status);
        Assert.Equal("wals", (string?)result.Json!["explain"]!["scorer"]);
        Assert.NotNull(provider.GetRequiredService<Func<ServingModel, Core.Pipeline.ICandidateScorer>>());
    }
}
