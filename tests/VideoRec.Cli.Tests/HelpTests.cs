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
    [InlineData("evaluate", DataOptions + " --split --k --seeds " + WalsOptionsWithoutSeed + " --json")]
    [InlineData("tune", DataOptions + " --factors --regularization --alpha --unobserved-weight --iterations --split --k --seeds --top --json")]
    [InlineData("train", DataOptions + " --output " + WalsOptions + " --no-eval --early-stopping --json")]
    [InlineData("demo", DataOptions + " --output " + WalsOptions + " --json")]
    [InlineData("recommend", "--model --user --k --json")]
    [InlineData("similar", "--model --video --k --json")]
    [InlineData("serve", "--model --port")]
    [InlineData("bench wals", "--users --videos --nnz --factors --threads --solver --iterations --json")]
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

        foreach (var command in new[] { "demo", "import", "evaluate", "tune", "train", "recommend", "similar", "serve", "bench" })
        {
            Assert.Matches($"(?m)^  {command} ", result.Out);
        }
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error()
    {
        var result = await Vrec.RunAsync("frobnicate");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("frobnicate", result.Err, StringComparison.Ordinal);
    }
}
