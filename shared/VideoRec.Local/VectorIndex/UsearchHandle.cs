using Microsoft.Win32.SafeHandles;

namespace VideoRec.Local.VectorIndex;

/// <summary>Owns one native <c>usearch_index_t</c> and frees it with <c>usearch_free</c>.</summary>
internal sealed unsafe class UsearchHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>A new, empty native index.</summary>
    /// <exception cref="UsearchException">The library refused the options.</exception>
    public UsearchHandle(int metricKind, int dimensions, UsearchIndexOptions options)
        : base(ownsHandle: true)
    {
        var init = new UsearchNative.InitOptions
        {
            MetricKind = metricKind,
            Quantization = UsearchNative.ScalarF32,
            Dimensions = (nuint)dimensions,
            Connectivity = (nuint)options.Connectivity,
            ExpansionAdd = (nuint)options.ExpansionAdd,
            ExpansionSearch = (nuint)options.ExpansionSearch,
        };
        nint error = 0;
        var handle = UsearchNative.Init(&init, &error);
        UsearchNative.Check(error, "init");
        if (handle == 0)
        {
            throw new UsearchException("USearch init returned no index.");
        }

        SetHandle(handle);
    }

    /// <summary>The raw handle, for calls made while the owner guarantees the handle stays open.</summary>
    public nint Value => handle;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        nint error = 0;
        UsearchNative.Free(handle, &error);
        return error == 0;
    }
}
