using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using VideoRec.Cli.Infrastructure;
using VideoRec.Core.CandidateGeneration;
using VideoRec.Core.CandidateGeneration.Index;
using VideoRec.Core.Evaluation;
using VideoRec.Core.Evaluation.Candidates;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.Wals;
using VideoRec.Local.Embeddings;
using VideoRec.Training.TwoTower;

namespace VideoRec.Cli.Commands;

/// <summary>
/// <c>vrec evaluate-candidates</c>: candidate recall per source and merged at several candidate counts, and each ANN
/// index's recall against exact search, on one split.
/// </summary>
public static class EvaluateCandidatesCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var data = new DataOptions();
        var wals = new WalsOptionSet(includeSeed: false);
        var split = EvaluateCommand.Split();
        var seed = new Option<int>("--seed") { Description = "Split and training seed.", DefaultValueFactory = _ => 42 };
        var counts = new Option<string>("--counts") { Description = "Candidate counts to measure recall at.", DefaultValueFactory = _ => "500,1000", HelpName = "LIST" };
        var engine = CommonOptions.OneOf(new Option<string>("--engine") { Description = "ANN engine of the vector indexes.", DefaultValueFactory = _ => VectorIndexEngines.Names[0] }, VectorIndexEngines.Names);
        var noTwoTower = new Option<bool>("--no-two-tower") { Description = "Leave out the two-tower source (no TorchSharp training; similar-to-recent then uses WALS factors)." };
        var epochs = CommonOptions.Range(new Option<int>("--two-tower-epochs") { Description = "Maximum two-tower training epochs.", DefaultValueFactory = _ => new TwoTowerOptions().Epochs }, 1, 1000);
        var freshDays = CommonOptions.Range(new Option<double>("--fresh-days") { Description = "Fresh window in days (MovieLens release dates are whole years, so the default widens it to a year).", DefaultValueFactory = _ => 365 }, 0.01, 36500);
        var popularDays = CommonOptions.Range(new Option<double>("--popular-days") { Description = "Popular window in days.", DefaultValueFactory = _ => new CandidateGenerationOptions().PopularWindow.TotalDays }, 0.01, 36500);
        var quotas = new Option<string?>("--quotas") { Description = "Reserved shares by source, such as wals=0.1,fresh=0.05 (others keep their defaults).", HelpName = "LIST" };
        var weights = new Option<string?>("--weights") { Description = "Fusion weights by source, such as wals=1,popular=0.5 (others keep their defaults).", HelpName = "LIST" };
        var json = CommonOptions.Json();
        var command = new Command("evaluate-candidates", "Measure candidate generation: recall of each source and of the merged candidates at several counts, and ANN recall@100 against exact search.");
        data.AddTo(command);
        command.Add(split);
        command.Add(seed);
        command.Add(counts);
        command.Add(engine);
        command.Add(noTwoTower);
        command.Add(epochs);
        command.Add(freshDays);
        command.Add(popularDays);
        command.Add(quotas);
        command.Add(weights);
        wals.AddTo(command);
        command.Add(json);
        command.SetAction((parse, cancellationToken) => ErrorReporting.RunAsync(async () =>
        {
            var request = data.Read(parse);
            JsonOutput.CheckWritable(parse.GetValue(json));
            var countList = ListOption.Ints(parse.GetValue(counts)!, "--counts");
            if (countList.Any(c => c is < 1 or > 100_000))
            {
                throw new CliException("--counts must be between 1 and 100000.");
            }

            var engineName = parse.GetValue(engine)!;
            var generation = new CandidateGenerationOptions
            {
                MergedCount = countList.Max(),
                FreshWindow = TimeSpan.FromDays(parse.GetValue(freshDays)),
                PopularWindow = TimeSpan.FromDays(parse.GetValue(popularDays)),
            };
            // Sources that do not run are removed first, so they neither count towards the quota limit nor take a value.
            var withTwoTower = !parse.GetValue(noTwoTower);
            if (!withTwoTower)
            {
                generation.Sources.Remove(CandidateSources.TwoTower);
            }

            Assign(generation, parse.GetValue(quotas), "--quotas", "share", 1, (o, v) => o.Quota = v);
            Assign(generation, parse.GetValue(weights), "--weights", "weight", 1000, (o, v) => o.Weight = v);
            var reserved = generation.EnabledSources.Select(s => (s.Key, s.Value.Quota)).ToArray();
            if (reserved.Sum(r => r.Quota) is var sum && sum > 1 + 1e-9)
            {
                throw new CliException($"--quotas: the shares of the enabled sources add up to {N(sum)} " +
                    $"({string.Join(", ", reserved.Select(r => $"{r.Key} {N(r.Quota)}"))}); they must not exceed 1.");
            }

            if (generation.Validate() is { Count: > 0 } problems)
            {
                throw new CliException(problems[0]);
            }

            var import = DataLoading.Load(request);
            var pairs = DatasetPairs.From(import.Dataset);
            var protocol = EvaluateCommand.ParseProtocol(parse.GetValue(split)!);
            var splitSeed = parse.GetValue(seed);
            var set = BuildSet(pairs, protocol, splitSeed, request.Relevance, out var task);
            var walsModel = ConsoleProgress.Status("Training WALS", () =>
                ((WalsRecommender)new WalsFactory(wals.Read(parse) with { ComputeLoss = false }).Train(set, cancellationToken)).Model);
            var spaces = new List<RetrievalSpace>
            {
                new(CandidateSources.Wals, walsModel.UserFactors, walsModel.VideoFactors, walsModel.Factors, VectorMetric.InnerProduct),
            };
            (float[], int) similar = (walsModel.VideoFactors, walsModel.Factors);
            if (withTwoTower)
            {
                var titles = TwoTowerEvaluation.TitleEmbeddings(import.Dataset, cancellationToken);
                var factory = new TwoTowerFactory(import.Dataset, titles, MiniLmEmbeddingGenerator.DefaultModelId, MiniLmEmbeddingGenerator.Dimensions,
                    new TwoTowerOptions { Epochs = parse.GetValue(epochs), Relevance = request.Relevance });
                var recommender = ConsoleProgress.Status("Training the two-tower model", () => (VideoRec.TwoTower.Serving.EmbeddingRecommender)factory.Train(set, cancellationToken));
                factory.Last?.Model.Dispose();
                // The index holds the towers' unit embeddings; the popularity prior is added when re-scoring the neighbours.
                var d = recommender.VideoVectors.Length / Math.Max(1, set.Pairs.Videos.Count);
                spaces.Insert(0, new RetrievalSpace(CandidateSources.TwoTower, recommender.UserVectors, recommender.VideoVectors, d, VectorMetric.InnerProduct,
                    recommender.VideoPrior, recommender.UserPriorWeights));
                similar = (recommender.VideoVectors, d);
            }

            var report = await ConsoleProgress.Run(async ctx =>
            {
                var line = ctx.Add("Generating candidates", task.EvaluatedUsers.Length);
                var result = await CandidateRecallEvaluation.RunAsync(import.Dataset, set, task, spaces, similar,
                    (dims, metric) => VectorIndexEngines.Create(engineName, dims, metric, set.Pairs.Videos.Count),
                    new CandidateRecallOptions { Counts = countList, Generation = generation },
                    new InlineProgress<int>(done => line.Value = done), cancellationToken);
                line.Description = "Generated candidates";
                return result;
            });
            AnsiConsole.Write(Render(report));
            var output = report.ToJson();
            output["engine"] = engineName;
            output["protocol"] = OfflineEvaluation.ProtocolName(protocol);
            JsonOutput.Write(parse.GetValue(json), output);
            return 0;
        }));
        return command;
    }

    private static string N(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static void Assign(CandidateGenerationOptions options, string? text, string option, string what, double max,
        Action<CandidateSourceOptions, double> set)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pieces = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pieces.Length == 2 && !options.Sources.ContainsKey(pieces[0]) && CandidateSources.All.Contains(pieces[0]))
            {
                throw new CliException($"{option}: '{part}' names a source that does not run; the sources are {string.Join(", ", options.Sources.Keys)}.");
            }

            if (pieces.Length != 2 || !options.Sources.TryGetValue(pieces[0], out var source) ||
                !double.TryParse(pieces[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new CliException($"{option}: '{part}' is not SOURCE=NUMBER with SOURCE one of {string.Join(", ", options.Sources.Keys)}.");
            }

            if (!(value >= 0 && value <= max))
            {
                throw new CliException($"{option}: '{part}' must give a {what} in [0, {N(max)}].");
            }

            if (!given.Add(pieces[0]))
            {
                throw new CliException($"{option}: '{pieces[0]}' is given twice; give each source once.");
            }

            set(source, value);
        }
    }

    private static TrainingSet BuildSet(DatasetPairs data, SplitProtocol protocol, int seed, RelevancePolicy policy, out EvaluationTask task)
    {
        if (data.Table.Pairs.Count == 0)
        {
            throw new InsufficientDataException($"{data.Name}: the data holds no (user, video) interactions to evaluate.");
        }

        var split = Splitter.Split(data.Table.Pairs, protocol, seed);
        var matrix = new FeedbackMatrixBuilder(policy, FeedbackWeights.Default).Build(data.Table.Users.Count, data.Table.Videos.Count, split.Train, data.DurationSeconds);
        task = new EvaluationTask(data.Table.Users.Count, data.Table.Videos.Count, split, policy, data.DurationSeconds);
        if (task.EvaluatedUsers.Length == 0)
        {
            throw new InsufficientDataException($"{data.Name}: no user has both a training history and a relevant held-out video on this split.");
        }

        return new TrainingSet(data.Table, split, matrix, data.DurationSeconds, seed);
    }

    private static Table Render(CandidateRecallReport report)
    {
        var table = new Table().Title($"Candidate recall, {report.Dataset}, seed {report.Seed}, {report.Users} users");
        table.AddColumn("Source");
        foreach (var c in report.Counts)
        {
            table.AddColumn(new TableColumn($"recall@{c}").RightAligned());
        }

        table.AddColumn(new TableColumn($"share of merged {report.Counts[^1]}").RightAligned());
        foreach (var (source, values) in report.PerSource)
        {
            table.AddRow([source, .. values.Select(F), F(report.MergedShare.GetValueOrDefault(source))]);
        }

        table.AddRow(["[bold]merged[/]", .. report.Merged.Select(v => $"[bold]{F(v)}[/]"), "1"]);
        table.Caption($"generation p50 {report.GenerationP50Ms:0.00} ms, p99 {report.GenerationP99Ms:0.00} ms per user (all sources and the merge, one thread); " +
            string.Join("; ", report.Ann.Select(a => $"{a.Source} ANN ({a.Engine}) recall@{a.K} {a.RecallAtK:0.0000} over {a.Queries} users")));
        return table;

        static string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
    }
}
