using VideoRec.Core.Bundles;

namespace VideoRec.Core.Serving;

/// <summary>
/// A provider whose bundle can be replaced while requests are served: a request reads <see cref="Current"/> once and
/// keeps that bundle for its whole computation, so a swap never mixes two models in one answer.
/// </summary>
/// <param name="initial">The bundle served until the first <see cref="Swap"/>.</param>
public sealed class SwappableModelBundleProvider(ModelBundle initial) : IModelBundleProvider
{
    private ModelBundle _current = initial ?? throw new ArgumentNullException(nameof(initial));

    /// <inheritdoc />
    public ModelBundle Current => Volatile.Read(ref _current);

    /// <summary>Serves <paramref name="bundle"/> from now on.</summary>
    /// <returns>The bundle it replaced.</returns>
    public ModelBundle Swap(ModelBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return Interlocked.Exchange(ref _current, bundle);
    }
}
