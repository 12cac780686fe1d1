using VideoRec.Core.Serving.Recommend;

namespace VideoRec.Api.Tests.Support;

/// <summary>Serving settings for tests that are not about time budgets: budgets of 10 s, so a loaded CI machine never degrades an answer.</summary>
public static class TestServing
{
    /// <summary>Default serving settings with every budget at 10 s.</summary>
    public static ServingModelOptions Generous(Action<ServingModelOptions>? configure = null)
    {
        var options = ServingModelOptions.Offline();
        configure?.Invoke(options);
        return options;
    }
}
