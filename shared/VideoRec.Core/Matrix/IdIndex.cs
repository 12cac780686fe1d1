using System.Runtime.InteropServices;

namespace VideoRec.Core.Matrix;

/// <summary>
/// A bijection between external string ids and dense row/column indices 0..Count−1, in insertion order.
/// Not thread-safe for writes; safe for concurrent reads once built.
/// </summary>
public sealed class IdIndex
{
    private readonly Dictionary<string, int> _indexById;
    private readonly List<string> _ids;

    /// <summary>Creates an empty index.</summary>
    public IdIndex()
    {
        _indexById = new Dictionary<string, int>(StringComparer.Ordinal);
        _ids = [];
    }

    /// <summary>Creates an index over <paramref name="ids"/> in the given order.</summary>
    /// <exception cref="ArgumentException">An id appears twice.</exception>
    public IdIndex(IEnumerable<string> ids) : this()
    {
        foreach (var id in ids)
        {
            if (_indexById.ContainsKey(id))
            {
                throw new ArgumentException($"Duplicate id '{id}'.", nameof(ids));
            }

            Add(id);
        }
    }

    /// <summary>Number of ids.</summary>
    public int Count => _ids.Count;

    /// <summary>The ids in index order.</summary>
    public IReadOnlyList<string> Ids => _ids;

    /// <summary>The id at <paramref name="index"/>.</summary>
    public string this[int index] => _ids[index];

    /// <summary>Returns the index of <paramref name="id"/>, adding it at the end if new.</summary>
    public int Add(string id)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_indexById, id, out var exists);
        if (!exists)
        {
            slot = _ids.Count;
            _ids.Add(id);
        }

        return slot;
    }

    /// <summary>Looks up the index of <paramref name="id"/>.</summary>
    public bool TryGetIndex(string id, out int index) => _indexById.TryGetValue(id, out index);

    /// <summary>The index of <paramref name="id"/>, or −1 when absent.</summary>
    public int IndexOf(string id) => _indexById.TryGetValue(id, out var index) ? index : -1;
}
