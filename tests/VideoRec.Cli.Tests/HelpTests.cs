using VideoRec.Cli.Tests.Support;

namespace VideoRec.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class HelpTests
{
    private const string DataOptions = "--data --like-at --dislike-at --min-watch-fraction --dislike-wins";
    private const string WalsOptionsWithoutSeed = "--factors --regularization --alpha --unobserved-weight --iterations --solver --threads";
    private const string WalsOptions = WalsOptionsWithoutSeed + " --seed";

    [Theory]
    [InlineData("import", DataOptions + " --json")]
    [InlineData("evaluate", DataOptions + " --split --k --seeds --models --no-cold-start --pipeline --ranker-inner-ratio --ranker-listwise --ranker-folds --ranker-negatives --ranker-inner-models --ranker-embeddings --ranker-cowatch --ranker-recent --ranker-cowatch-history --ranker-kfold --ranker-residual --ranker-select --ranker-pointwise --ranker-hidden --ranker-learning-rate --ranker-validation-every --ranker-residual-weight --ranker-patience --ranker-rows-cache --two-tower-epochs " + WalsOptionsWithoutSeed + " --json")]
    [InlineData("tune", DataOptions + " --factors --regularization --alpha --unobserved-weight --iterations --split --k --seeds --top --json")]
    [InlineData("train", DataOptions + " --output " + WalsOptions + " --no-eval --early-stopping --two-tower --two-tower-epochs --ranker --json")]
    [InlineData("demo", DataOptions + " --output " + WalsOptions + " --db --no-embeddings --json")]
    [InlineData("evaluate-embeddings", "--k --db --json " + DataOptions)]
    [InlineData("tags", "--tag --k --dimensions --epochs --min-count --liked-window --subsample --seed --sentence --output --json " + DataOptions)]
    [InlineData("recommend", "--model --user --k --country --language --device --page-token --explain --json")]
    [InlineData("similar", "--model --video --k --json")]
    [InlineData("serve", "--model --port --db --queue-connection --queue --telemetry --experiment")]
    [InlineData("bench wals", "--users --videos --nnz --factors --threads --solver --iterations --json")]
    [InlineData("bench twotower", "--data --users --videos --interactions --steps --threads --json")]
    [InlineData("bench score", "--candidates --requests --videos --architecture --embeddings --json")]
    public async Task Help_lists_every_option_of_the_command(string command, string options)
    {
        var result = await Vrec.SucceedsAsync([.. command.Split(' '), "--help"]);

        Assert.Contains($" {command} [options]", result.Out, StringComparison.Ordinal);
        var listed = result.Out.Split('\n')
            .Select(line => line.TrimStart())
            .Where(line => line.StartsWith("--", StringComparison.Ordinal))
            .Select(line => line.Split(' ', 2)[0])
            .ToArray();
        Assert.Equal(options.Split(' '), listed);
    }

    [Fact]
    public async Task Evaluate_help_shows_the_split_protocols_and_defaults()
    {
        var result = await Vrec.SucceedsAsync("evaluate", "--help");

        Assert.Contains("--split <leave-last-out|stratified|time>", result.Out, StringComparison.Ordinal);
        Assert.Contains("[default: stratified]", result.Out, StringComparison.Ordinal);
        Assert.Contains("--seeds <LIST>", result.Out, StringComparison.Ordinal);
        Assert.Contains("[default: 42,43,44]", result.Out, StringComparison.Ordinal);
        Assert.Contains("--json <FILE>", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Root_help_lists_every_command()
    {
        var result = await Vrec.SucceedsAsync("--help");

        foreach (var command in new[] { "demo", "import", "evaluate", "tune", "train", "recommend", "similar", "serve", "ingest", "worker", "embed", "evaluate-embeddings", "tags", "bench" })
        {
            Assert.Matches($"(?m)^  {command} ", result.Out);
        }
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error()
    {
        var messages = await Vrec.FailsWithUsageErrorsAsync("frobnicate");

        Assert.Contains("Unrecognized command or argument 'frobnicate'.", messages);
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error_pointing_at_the_command_help()
    {
        var message = await Vrec.FailsWithUsageErrorAsync("evaluate", "--bogus");

        Assert.Equal("Unrecognized command or argument '--bogus'.", message);
    }

    [Fact]
    public async Task A_usage_error_of_a_subcommand_points_at_its_full_help()
    {
        var result = await Vrec.RunAsync("bench", "wals", "--users", "0");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Out);
        Assert.Equal(["error: --users must be between 1 and 100000000, found 0.", "Run 'vrec bench wals --help' for the options."], result.Err.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("--k", "evaluate --k abc", "abc")]
    [InlineData("--port", "serve --port 80abc", "80abc")]
    [InlineData("--users", "bench wals --users 99999999999", "99999999999")]
    public async Task An_unparseable_number_is_a_usage_error_naming_the_option(string option, string command, string value)
    {
        var message = await Vrec.FailsWithUsageErrorAsync(command.Split(' '));

        Assert.Equal($"Cannot parse argument '{value}' for option '{option}' as expected type 'System.Int32'.", message);
    }
}
