using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VideoRec.Core.CandidateGeneration;

namespace VideoRec.Core.Tests.CandidateGeneration;

public sealed class CandidateGenerationRegistrationTests
{
    [Fact]
    public void The_validator_passes_the_defaults_and_names_every_bad_setting()
    {
        var validator = new CandidateGenerationOptionsValidator();
        Assert.True(validator.Validate(null, new CandidateGenerationOptions()).Succeeded);

        var bad = new CandidateGenerationOptions { MergedCount = 0, SimilarSeeds = 0 };
        bad.Sources[CandidateSources.Fresh].Quota = 2;
        var result = validator.Validate(null, bad);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("MergedCount must be", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("SimilarSeeds must be", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Sources:fresh:Quota must be in [0, 1] (found 2)", StringComparison.Ordinal));
    }

    [Fact]
    public void Registration_adds_the_validator_and_start_up_validation()
    {
        var services = new ServiceCollection();

        services.AddCandidateGenerationOptions(o => o.MergedCount = 500);

        Assert.Contains(services, d => d.ServiceType == typeof(IValidateOptions<CandidateGenerationOptions>) && d.ImplementationType == typeof(CandidateGenerationOptionsValidator));
        Assert.Contains(services, d => d.ServiceType == typeof(IConfigureOptions<CandidateGenerationOptions>));
        Assert.Contains(services, d => d.ServiceType.Name.Contains("IStartupValidator", StringComparison.Ordinal) || d.ServiceType.Name.Contains("ValidateOnStart", StringComparison.Ordinal) || d.ImplementationType?.Name.Contains("StartupValidator", StringComparison.Ordinal) == true);
    }
}
