using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using VideoRec.Core.CandidateGeneration.Index;

namespace VideoRec.Local.VectorIndex;

/// <summary>
/// The predicate <c>usearch_filtered_search</c> calls for every candidate key: it maps the key to its video id and
/// attributes and applies <see cref="VectorSearchFilter.Matches"/>. The state travels as a <see cref="GCHandle"/>.
/// </summary>
internal sealed class UsearchFilter
{
    private readonly VectorSearchFilter _filter;
    private readonly string?[] _ids;
    private readonly VideoIndexAttributes?[] _attributes;
    private readonly bool[] _inGraph;

    /// <param name="filter">The filter.</param>
    /// <param name="ids">Video id per key (null for a deleted key).</param>
    /// <param name="attributes">Attributes per key.</param>
    /// <param name="inGraph">Whether a key's vector is in the native graph.</param>
    public UsearchFilter(VectorSearchFilter filter, string?[] ids, VideoIndexAttributes?[] attributes, bool[] inGraph)
    {
        _filter = filter;
        _ids = ids;
        _attributes = attributes;
        _inGraph = inGraph;
    }

    /// <summary>The first exception the filter threw inside the callback (it cannot cross into native code).</summary>
    public Exception? Error { get; private set; }

    /// <summary>Whether the video under <paramref name="key"/> is live and passes the filter.</summary>
    public bool Accepts(ulong key)
    {
        if (key >= (ulong)_ids.Length || !_inGraph[key])
        {
            return false;
        }

        var id = _ids[key];
        var attributes = _attributes[key];
        return id is not null && attributes is not null && _filter.Matches(id, attributes);
    }

    /// <summary>The native callback: nonzero to accept. Never lets an exception escape.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Callback(ulong key, nint state)
    {
        UsearchFilter? filter = null;
        try
        {
            filter = (UsearchFilter?)GCHandle.FromIntPtr(state).Target;
            return filter is not null && filter.Accepts(key) ? 1 : 0;
        }
        catch (Exception exception)
        {
            if (filter is not null)
            {
                filter.Error ??= exception;
            }

            return 0;
        }
    }
}
