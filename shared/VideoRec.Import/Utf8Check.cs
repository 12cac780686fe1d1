using System.Buffers;
using System.Text.Unicode;

namespace VideoRec.Import;

/// <summary>Finds the first invalid UTF-8 sequence in a file, streaming, so an import can name its line.</summary>
internal static class Utf8Check
{
    /// <summary>The 1-based line of the first invalid UTF-8 byte sequence, or <c>null</c> when the file is valid UTF-8.</summary>
    public static int? FirstInvalidLine(string path)
    {
        const int chunk = 1 << 20;
        var bytes = ArrayPool<byte>.Shared.Rent(chunk + 8);
        var chars = ArrayPool<char>.Shared.Rent(chunk + 8);
        try
        {
            using var stream = File.OpenRead(path);
            var line = 1;
            var carried = 0;
            while (true)
            {
                var read = stream.Read(bytes, carried, chunk);
                var available = carried + read;
                var final = read == 0;
                var status = Utf8.ToUtf16(bytes.AsSpan(0, available), chars, out var consumed, out _, replaceInvalidSequences: false, isFinalBlock: final);
                line += bytes.AsSpan(0, consumed).Count((byte)'\n');
                if (status == System.Buffers.OperationStatus.InvalidData)
                {
                    return line;
                }

                if (final)
                {
                    return null;
                }

                carried = available - consumed;
                bytes.AsSpan(consumed, carried).CopyTo(bytes);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
