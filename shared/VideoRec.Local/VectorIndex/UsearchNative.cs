using System.Runtime.InteropServices;

namespace VideoRec.Local.VectorIndex;

/// <summary>
/// P/Invoke declarations for the USearch C API (<c>libusearch_c</c> from the <c>Cloud.Unum.USearch</c> 2.26.6 package,
/// header <c>c/usearch.h</c>). Every function reports failure through its last argument: a pointer to a static,
/// null-terminated message, or null on success; <see cref="Check"/> turns it into an exception.
/// </summary>
internal static unsafe partial class UsearchNative
{
    private const string Library = "usearch_c";

    /// <summary><c>usearch_metric_kind_t</c>.</summary>
    internal const int MetricCos = 1;

    /// <summary><c>usearch_metric_kind_t</c>.</summary>
    internal const int MetricIp = 2;

    /// <summary><c>usearch_scalar_kind_t</c> for 32-bit floats.</summary>
    internal const int ScalarF32 = 1;

    /// <summary><c>usearch_init_options_t</c>, laid out like the C struct.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct InitOptions
    {
        public int MetricKind;
        public nint Metric;
        public int Quantization;
        public nuint Dimensions;
        public nuint Connectivity;
        public nuint ExpansionAdd;
        public nuint ExpansionSearch;
        public byte Multi;
    }

    [LibraryImport(Library, EntryPoint = "usearch_init")]
    internal static partial nint Init(InitOptions* options, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_free")]
    internal static partial void Free(nint index, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_add")]
    internal static partial void Add(nint index, ulong key, float* vector, int kind, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_remove")]
    internal static partial nuint Remove(nint index, ulong key, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_contains")]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool Contains(nint index, ulong key, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_search")]
    internal static partial nuint Search(nint index, float* query, int kind, nuint count, ulong* keys, float* distances, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_filtered_search")]
    internal static partial nuint FilteredSearch(nint index, float* query, int kind, nuint count,
        delegate* unmanaged[Cdecl]<ulong, nint, int> filter, nint state, ulong* keys, float* distances, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_get")]
    internal static partial nuint Get(nint index, ulong key, nuint count, float* vector, int kind, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_save", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void Save(nint index, string path, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_load", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void Load(nint index, string path, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_view", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void View(nint index, string path, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_metadata", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void Metadata(string path, InitOptions* options, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_size")]
    internal static partial nuint Size(nint index, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_capacity")]
    internal static partial nuint Capacity(nint index, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_dimensions")]
    internal static partial nuint Dimensions(nint index, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_reserve")]
    internal static partial void Reserve(nint index, nuint capacity, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_memory_usage")]
    internal static partial nuint MemoryUsage(nint index, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_expansion_search")]
    internal static partial nuint ExpansionSearch(nint index, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_expansion_add")]
    internal static partial nuint ExpansionAdd(nint index, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_change_expansion_search")]
    internal static partial void ChangeExpansionSearch(nint index, nuint expansion, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_change_expansion_add")]
    internal static partial void ChangeExpansionAdd(nint index, nuint expansion, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_add")]
    internal static partial void ChangeThreadsAdd(nint index, nuint threads, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_search")]
    internal static partial void ChangeThreadsSearch(nint index, nuint threads, nint* error);

    [LibraryImport(Library, EntryPoint = "usearch_hardware_acceleration")]
    internal static partial nint HardwareAcceleration(nint index, nint* error);

    /// <summary>Throws when a call reported an error.</summary>
    /// <param name="error">The error out-value of the call.</param>
    /// <param name="operation">What was being done, for the message.</param>
    /// <exception cref="UsearchException">The call failed.</exception>
    internal static void Check(nint error, string operation)
    {
        if (error != 0)
        {
            throw new UsearchException($"USearch {operation} failed: {Marshal.PtrToStringUTF8(error)}");
        }
    }
}
