using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace VideoRec.Core.Online;

/// <summary>
/// A/B assignment by a stable hash: a user's bucket is the first 8 bytes of SHA-256("experiment name" LF "user id")
/// modulo <see cref="Buckets"/>, and the arms own consecutive bucket ranges in proportion to their traffic. The same
/// user always lands in the same arm of an experiment (across processes, machines and .NET versions, unlike
/// <see cref="string.GetHashCode()"/>), and different experiment names assign independently. Ids never hold control
/// characters (the <see cref="Domain.EntityIds"/> rule), so the LF separator is unambiguous.
/// </summary>
public sealed class ExperimentAssignment
{
    /// <summary>Buckets per experiment (traffic granularity 0.01%).</summary>
    public const int Buckets = 10_000;

    private readonly int[] _upper;

    /// <summary>An assignment for <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names every setting.</exception>
    public ExperimentAssignment(ExperimentOptions options)
    {
        Options = (options ?? throw new ArgumentNullException(nameof(options))).EnsureValid();
        _upper = new int[options.Arms.Count];
        var cumulative = 0.0;
        for (var i = 0; i < _upper.Length; i++)
        {
            cumulative += options.Arms[i].Traffic;
            _upper[i] = i == _upper.Length - 1 ? Buckets : (int)Math.Round(cumulative * Buckets);
        }
    }

    /// <summary>The experiment.</summary>
    public ExperimentOptions Options { get; }

    /// <summary>The arm of <paramref name="userId"/>.</summary>
    public ExperimentArm Assign(string userId)
    {
        var bucket = Bucket(Options.Name, userId);
        for (var i = 0; i < _upper.Length; i++)
        {
            if (bucket < _upper[i])
            {
                return Options.Arms[i];
            }
        }

        return Options.Arms[^1];
    }

    /// <summary>The bucket of <paramref name="userId"/> in <paramref name="experiment"/>, in [0, <see cref="Buckets"/>).</summary>
    public static int Bucket(string experiment, string userId)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(userId);
        var text = experiment + "\n" + userId;
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length) <= 1024 ? Encoding.UTF8.GetMaxByteCount(text.Length) : 0];
        var input = bytes.Length > 0 ? bytes[..Encoding.UTF8.GetBytes(text, bytes)] : Encoding.UTF8.GetBytes(text);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % Buckets);
    }
}
