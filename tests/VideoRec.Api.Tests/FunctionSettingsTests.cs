using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VideoRec.Functions;

namespace VideoRec.Api.Tests;

/// <summary>Validation of the function app's settings, registered as Program.cs registers them.</summary>
public sealed class FunctionSettingsTests
{
    private static FunctionSettings Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddOptions<FunctionSettings>()
            .Bind(configuration.GetSection(FunctionSettings.Section))
            .ValidateDataAnnotations();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<FunctionSettings>>().Value;
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Blank_model_path_fails_naming_the_setting(string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["VideoRec:ModelPath"] = value, ["VideoRec:Queue"] = "Sqlite" }));

        Assert.Contains("VideoRec:ModelPath", error.Message, StringComparison.Ordinal);
        Assert.Contains("VideoRec__ModelPath", error.Message, StringComparison.Ordinal);
        Assert.Equal(typeof(FunctionSettings), error.OptionsType);
        Assert.Single(error.Failures);
    }

    [Fact]
    public void Missing_section_fails_naming_the_setting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Other:ModelPath"] = "/models" }));

        Assert.Contains("VideoRec:ModelPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_path_binds_from_the_section()
    {
        var settings = Resolve(new() { ["VideoRec:ModelPath"] = "/srv/models", ["VideoRec:Queue"] = "Sqlite" });

        Assert.Equal("/srv/models", settings.ModelPath);
    }

    [Fact]
    public void Model_path_binds_from_the_double_underscore_app_setting()
    {
        // App settings reach the worker as environment variables spelled VideoRec__ModelPath. A unique prefix keeps
        // this test from seeing or leaking anything else in the process environment.
        var prefix = "VRECTEST_" + Guid.NewGuid().ToString("N") + "_";
        Environment.SetEnvironmentVariable(prefix + "VideoRec__ModelPath", "/from/app/setting");
        // The default queue (a storage queue) would also need its connection; the queue table needs none.
        Environment.SetEnvironmentVariable(prefix + "VideoRec__Queue", "Sqlite");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
            var services = new ServiceCollection();
            services.AddOptions<FunctionSettings>().Bind(configuration.GetSection(FunctionSettings.Section)).ValidateDataAnnotations();
            using var provider = services.BuildServiceProvider();

            Assert.Equal("/from/app/setting", provider.GetRequiredService<IOptions<FunctionSettings>>().Value.ModelPath);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "VideoRec__ModelPath", null);
            Environment.SetEnvironmentVariable(prefix + "VideoRec__Queue", null);
        }
    }
}
