using System.CommandLine;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.Wals;

namespace VideoRec.Cli.Infrastructure;

/// <summary>Options shared by several commands, each defined once.</summary>
public static class CommonOptions
{
    public static Option<string?> Json() => new("--json") { Description = "Also write the figures to this JSON file.", HelpName = "FILE" };

    public static Option<string?> Data() => new("--data")
    {
        Description = "Data folder: MovieLens 100K (u.data, u.item, u.user) or MovieLens latest (ratings.csv, movies.csv, tags.csv). Default: the shipped data/ml-latest-small.",
        HelpName = "DIR",
    };

    public static Option<string> Model() => new("--model")
    {
        Description = "A model bundle directory, or a model folder with a CURRENT file.",
        HelpName = "DIR",
        DefaultValueFactory = _ => "models",
    };

    public static Option<int> K(string description, int max, int defaultValue = 10) => Range(new Option<int>("--k")
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
    }, 1, max);

    /// <summary>Adds a validator that rejects values below 1.</summary>
    public static Option<int> Positive(Option<int> option)
    {
        option.Validators.Add(result =>
        {
            if (TryValue<int>(result, out var value) && value < 1)
            {
                result.AddError($"{option.Name} must be at least 1, found {value}.");
            }
        });
        return option;
    }

    /// <summary>
    /// Accepts only <paramref name="values"/>, like <c>AcceptOnlyFromAmong</c> (same help and completions), but with an
    /// error that names the option: "--split must be one of stratified, time, leave-last-out; found 'bogus'."
    /// </summary>
    public static Option<string> OneOf(Option<string> option, params string[] values)
    {
        option.CompletionSources.Add(values);
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!values.Contains(value, StringComparer.Ordinal))
            {
                result.AddError($"{option.Name} must be one of {string.Join(", ", values)}; found '{value}'.");
            }
        });
        return option;
    }

    /// <summary>Adds a validator that rejects values outside [min, max].</summary>
    public static Option<T> Range<T>(Option<T> option, T min, T max) where T : IComparable<T>
    {
        option.Validators.Add(result =>
        {
            if (TryValue<T>(result, out var value) && (value is null || value.CompareTo(min) < 0 || value.CompareTo(max) > 0))
            {
                result.AddError($"{option.Name} must be between {min} and {max}, found {value}.");
            }
        });
        return option;
    }

    /// <summary>The parsed value, or <c>false</c> when the text did not parse (the parser reports that error itself).</summary>
    private static bool TryValue<T>(System.CommandLine.Parsing.OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }
}

/// <summary>The data-folder options: the folder, rating thresholds and the relevance label.</summary>
public sealed class DataOptions
{
    public Option<string?> Data { get; } = CommonOptions.Data();

    public Option<double> LikeAt { get; } = new("--like-at") { Description = "Ratings at or above this are likes.", DefaultValueFactory = _ => 4 };

    public Option<double> DislikeAt { get; } = new("--dislike-at") { Description = "Ratings at or below this are dislikes.", DefaultValueFactory = _ => 2 };

    public Option<double> MinWatchFraction { get; } = CommonOptions.Range(new Option<double>("--min-watch-fraction")
    {
        Description = "Share of a video, 0 to 1, that makes a watch relevant.",
        DefaultValueFactory = _ => 0.5,
    }, 0.0, 1.0);

    public Option<bool> DislikeWins { get; } = new("--dislike-wins") { Description = "A dislike makes a pair negative even when the video was watched or liked (default: watched or liked wins)." };

    public void AddTo(Command command)
    {
        command.Add(Data);
        command.Add(LikeAt);
        command.Add(DislikeAt);
        command.Add(MinWatchFraction);
        command.Add(DislikeWins);
    }

    /// <summary>Reads the options.</summary>
    /// <exception cref="CliException">--dislike-at is not below --like-at.</exception>
    public DataRequest Read(ParseResult parse)
    {
        var like = parse.GetValue(LikeAt);
        var dislike = parse.GetValue(DislikeAt);
        if (!(dislike < like))
        {
            throw new CliException($"--dislike-at ({dislike}) must be below --like-at ({like}).");
        }

        return new DataRequest(parse.GetValue(Data), like, dislike,
            new RelevancePolicy { MinWatchFraction = parse.GetValue(MinWatchFraction), DislikeOverridesWatch = parse.GetValue(DislikeWins) });
    }
}

/// <summary>What to import and how to label it.</summary>
public sealed record DataRequest(string? Directory, double LikeAt, double DislikeAt, RelevancePolicy Relevance);

/// <summary>WALS hyperparameters, shared by train, evaluate and demo. Defaults are the validated ones in the README.</summary>
/// <param name="includeSeed">Whether <c>--seed</c> is offered (not on evaluate, whose <c>--seeds</c> seed every run).</param>
public sealed class WalsOptionSet(bool includeSeed = true)
{
    private static readonly WalsOptions Defaults = new();

    public Option<int> Factors { get; } = CommonOptions.Range(new Option<int>("--factors") { Description = "Latent factors k.", DefaultValueFactory = _ => Defaults.Factors }, 1, 1024);

    public Option<float> Regularization { get; } = new("--regularization") { Description = "L2 regularization λ, above 0 and up to 1e9.", DefaultValueFactory = _ => Defaults.Regularization };

    public Option<float> Alpha { get; } = new("--alpha") { Description = "Confidence scale α (0 to 1e6): confidence = 1 + α·strength.", DefaultValueFactory = _ => Defaults.Alpha };

    public Option<float> UnobservedWeight { get; } = new("--unobserved-weight") { Description = "Weight W (0 to 1e6) of the squared error on unobserved pairs.", DefaultValueFactory = _ => Defaults.UnobservedWeight };

    public Option<int> Iterations { get; } = CommonOptions.Range(new Option<int>("--iterations") { Description = "Alternating iterations.", DefaultValueFactory = _ => Defaults.Iterations }, 1, 1000);

    public Option<string> Solver { get; } = CommonOptions.OneOf(new Option<string>("--solver") { Description = "cg (conjugate gradient) or cholesky (exact).", DefaultValueFactory = _ => "cg" }, "cg", "cholesky");

    public Option<int> Threads { get; } = CommonOptions.Range(new Option<int>("--threads") { Description = "Training threads (default: every core).", DefaultValueFactory = _ => Environment.ProcessorCount }, 1, 1024);

    public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the factor initialization.", DefaultValueFactory = _ => Defaults.Seed };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Factors, Regularization, Alpha, UnobservedWeight, Iterations, Solver, Threads })
        {
            command.Add(option);
        }

        if (includeSeed)
        {
            command.Add(Seed);
        }
    }

    /// <summary>Reads and validates the hyperparameters.</summary>
    /// <exception cref="CliException">A value is out of range; the message names the option.</exception>
    public WalsOptions Read(ParseResult parse)
    {
        var options = new WalsOptions
        {
            Factors = parse.GetValue(Factors),
            Regularization = parse.GetValue(Regularization),
            Alpha = parse.GetValue(Alpha),
            UnobservedWeight = parse.GetValue(UnobservedWeight),
            Iterations = parse.GetValue(Iterations),
            Solver = parse.GetValue(Solver) == "cholesky" ? WalsSolver.Cholesky : WalsSolver.ConjugateGradient,
            MaxDegreeOfParallelism = parse.GetValue(Threads),
            Seed = includeSeed ? parse.GetValue(Seed) : Defaults.Seed,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CliException(OptionMessage(e));
        }

        return options;
    }

    /// <summary>Turns a <see cref="WalsOptions.Validate"/> message into one that names the command-line option.</summary>
    public static string OptionMessage(ArgumentOutOfRangeException e)
    {
        var option = e.ParamName switch
        {
            nameof(WalsOptions.Factors) => "--factors",
            nameof(WalsOptions.Regularization) => "--regularization",
            nameof(WalsOptions.Alpha) => "--alpha",
            nameof(WalsOptions.UnobservedWeight) => "--unobserved-weight",
            nameof(WalsOptions.Iterations) => "--iterations",
            nameof(WalsOptions.MaxDegreeOfParallelism) => "--threads",
            _ => e.ParamName,
        };
        var rule = e.Message.Split(" (Parameter", 2)[0].Replace($"WALS option {e.ParamName} ", "", StringComparison.Ordinal);
        return $"{option} {rule}";
    }
}
