using VideoRec.Core.Bundles;

namespace VideoRec.Core.Serving;

/// <summary>Gives the serving path the bundle to use now. Loaded once per process; no per-request file I/O.</summary>
public interface IModelBundleProvider
{
    /// <summary>The current bundle.</summary>
    ModelBundle Current { get; }
}

/// <summary>A provider that always returns the bundle it was given.</summary>
/// <param name="bundle">The bundle.</param>
public sealed class FixedModelBundleProvider(ModelBundle bundle) : IModelBundleProvider
{
    /// <inheritdoc />
    public ModelBundle Current => bundle;
}
