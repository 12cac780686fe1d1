using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace VideoRec.Core.CandidateGeneration;

/// <summary>Checks <see cref="CandidateGenerationOptions"/> through the options system (every problem named).</summary>
public sealed class CandidateGenerationOptionsValidator : IValidateOptions<CandidateGenerationOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CandidateGenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Registration of the candidate generation settings.</summary>
public static class CandidateGenerationServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CandidateGenerationOptions"/> with validation at start-up: a host with a bad setting refuses
    /// to start and names it. Bind configuration with <c>.Bind(configuration.GetSection(CandidateGenerationOptions.Section))</c>
    /// on the returned builder, or pass <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes to the defaults, or <c>null</c>.</param>
    public static OptionsBuilder<CandidateGenerationOptions> AddCandidateGenerationOptions(this IServiceCollection services,
        Action<CandidateGenerationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<CandidateGenerationOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.AddSingleton<IValidateOptions<CandidateGenerationOptions>, CandidateGenerationOptionsValidator>();
        return builder.ValidateOnStart();
    }
}
