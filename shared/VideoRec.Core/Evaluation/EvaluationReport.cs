using System.Text.Json.Nodes;
using VideoRec.Core.Common;

namespace VideoRec.Core.Evaluation;

/// <summary>One model's figures over all seeds.</summary>
/// <param name="PerSeed">The metrics of each run, aligned with <see cref="EvaluationReport.Seeds"/>.</param>
public sealed record ModelReport(IReadOnlyList<MetricSet> PerSeed)
{
    /// <summary>Mean of metric <paramref name="name"/> over seeds.</summary>
    public double Mean(string name) => PerSeed.Average(m => m[name]);

    /// <summary>Sample standard deviation of metric <paramref name="name"/> over seeds (0 for one seed).</summary>
    public double Std(string name)
    {
        if (PerSeed.Count < 2)
        {
            return 0;
        }

        var mean = Mean(name);
        return Math.Sqrt(PerSeed.Sum(m => (m[name] - mean) * (m[name] - mean)) / (PerSeed.Count - 1));
    }
}

/// <summary>The result of <see cref="OfflineEvaluation.Run"/>: every model's metrics per seed and on average.</summary>
/// <param name="Dataset">Dataset name.</param>
/// <param name="Protocol">Split protocol name (<c>stratified</c>, <c>time</c>, <c>leave-last-out</c>).</param>
/// <param name="K">List length.</param>
/// <param name="Seeds">The seeds, one run each.</param>
/// <param name="Models">Figures by model name, in the order the models were given.</param>
/// <param name="Details">Extra facts about the runs (users evaluated, pairs, and so on).</param>
public sealed record EvaluationReport(string Dataset, string Protocol, int K, IReadOnlyList<int> Seeds,
    IReadOnlyDictionary<string, ModelReport> Models, IReadOnlyDictionary<string, double> Details)
{
    /// <summary>
    /// The report as JSON: <c>{"dataset", "protocol", "k", "seeds", "models": {name: {metric: mean, ...,
    /// "std": {metric: sd}, "per_seed": {metric: [value per seed]}}}, "details": {...}}</c>. NaN becomes <c>null</c>.
    /// </summary>
    public JsonObject ToJson()
    {
        var models = new JsonObject();
        foreach (var (name, report) in Models)
        {
            var node = new JsonObject();
            var std = new JsonObject();
            var perSeed = new JsonObject();
            foreach (var metric in MetricSet.Names)
            {
                node[metric] = Number(report.Mean(metric));
                std[metric] = Number(report.Std(metric));
                perSeed[metric] = new JsonArray([.. report.PerSeed.Select(m => Number(m[metric]))]);
            }

            node["users"] = report.PerSeed[0].Users;
            node["std"] = std;
            node["per_seed"] = perSeed;
            models[name] = node;
        }

        var details = new JsonObject();
        foreach (var (key, value) in Details)
        {
            details[key] = Number(value);
        }

        return new JsonObject
        {
            ["dataset"] = Dataset,
            ["protocol"] = Protocol,
            ["k"] = K,
            ["seeds"] = new JsonArray([.. Seeds.Select(s => (JsonNode)s)]),
            ["models"] = models,
            ["details"] = details,
        };
    }

    /// <summary>Writes <see cref="ToJson"/> indented to <paramref name="path"/>, creating the folder.</summary>
    public void WriteJson(string path) => JsonFiles.Write(path, ToJson());

    private static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 6)) : null;
}
