using System.Runtime.InteropServices;

namespace VideoRec.Core.Common;

/// <summary>
/// Writes output files that a user names without ever damaging what the name points at. A regular file (or a missing
/// one) is replaced atomically: the content goes to a temporary file beside it, which is then renamed over it, so
/// readers see the old or the new content, never half of it. A symbolic link is followed and its final target is
/// written the same way, so the link stays a link. A device, pipe or other file that is not a regular file (such as
/// <c>/dev/null</c>) is written in place, without a temporary file, so it is never replaced by a regular file. Error
/// messages name the path the caller gave, never the temporary file.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> (UTF-8, no byte-order mark) to <paramref name="path"/>.</summary>
    /// <param name="path">The file, as the user gave it.</param>
    /// <param name="text">The content.</param>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/>.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied; the message names <paramref name="path"/>.</exception>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, new System.Text.UTF8Encoding(false).GetBytes(text));
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>.</summary>
    /// <param name="path">The file, as the user gave it.</param>
    /// <param name="bytes">The content.</param>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/>.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied; the message names <paramref name="path"/>.</exception>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Writes what <paramref name="write"/> puts in the stream to <paramref name="path"/>.</summary>
    /// <param name="path">The file, as the user gave it.</param>
    /// <param name="write">Writes the whole content to the stream it is given (which may not be seekable).</param>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/>.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied; the message names <paramref name="path"/>.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var target = full;
        string? temporary = null;
        try
        {
            target = FinalTarget(full);
            if (Kind(target) == FileKind.Other)
            {
                // A device, pipe or socket: write through it. Open, not Create: no O_CREAT, no truncation attempt.
                using var direct = new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 16);
                write(direct);
                return;
            }

            var folder = Path.GetDirectoryName(target)!;
            Directory.CreateDirectory(folder);
            temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
            FileStream stream;
            try
            {
                stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            }
            catch (IOException e)
            {
                // Such as /proc, whose folders refuse new files even to root ("not found" for a file just being created).
                temporary = null;
                throw new IOException($"{path}: cannot create a temporary file in its folder {folder} to replace it atomically" +
                    (e is FileNotFoundException or DirectoryNotFoundException ? "." : $" ({e.Message})."), e);
            }

            using (stream)
            {
                write(stream);
            }

            File.Move(temporary, target, overwrite: true);
            temporary = null;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException(Rename(e.Message, temporary, target, full, path), e);
        }
        catch (IOException e)
        {
            throw new IOException(Rename(e.Message, temporary, target, full, path), e);
        }
        finally
        {
            if (temporary is not null)
            {
                try
                {
                    File.Delete(temporary);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Best effort: the original error matters more.
                }
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> (after following symbolic links) is an existing file that is neither a regular
    /// file nor a folder — a device, pipe or socket — which <see cref="Write"/> writes in place.
    /// </summary>
    public static bool WritesInPlace(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return Kind(FinalTarget(Path.GetFullPath(path))) == FileKind.Other;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>What kind of file a path names.</summary>
    internal enum FileKind
    {
        /// <summary>Nothing there.</summary>
        Missing,

        /// <summary>A regular file (or a platform where only those exist).</summary>
        Regular,

        /// <summary>A folder.</summary>
        Directory,

        /// <summary>A device, pipe, socket or anything else that a rename must not replace.</summary>
        Other,
    }

    /// <summary>The kind of <paramref name="path"/>, following symbolic links.</summary>
    internal static FileKind Kind(string path)
    {
        if (Directory.Exists(path))
        {
            return FileKind.Directory;
        }

        if (!File.Exists(path))
        {
            return FileKind.Missing;
        }

        if (OperatingSystem.IsWindows())
        {
            return FileKind.Regular;
        }

        try
        {
            var status = new byte[512];
            if (NativeMethods.Stat(path, status) != 0)
            {
                return FileKind.Regular;
            }

            // .NET's platform layer reports st_mode with the portable S_IF* values: S_IFMT 0xF000, S_IFREG 0x8000.
            var mode = BitConverter.ToInt32(status, 4);
            return (mode & 0xF000) switch
            {
                0x8000 => FileKind.Regular,
                0x4000 => FileKind.Directory,
                _ => FileKind.Other,
            };
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return FileKind.Regular;
        }
    }

    /// <summary>The file that <paramref name="full"/> names after following every symbolic link (itself when it is none).</summary>
    private static string FinalTarget(string full)
    {
        var info = new FileInfo(full);
        if (info.LinkTarget is null)
        {
            return full;
        }

        var final = info.ResolveLinkTarget(returnFinalTarget: true);
        return final is null ? full : Path.GetFullPath(final.FullName);
    }

    /// <summary>The message with the temporary and resolved file names replaced by the path the caller gave.</summary>
    private static string Rename(string message, string? temporary, string target, string full, string path)
    {
        if (temporary is not null)
        {
            message = message.Replace(temporary, path, StringComparison.Ordinal);
        }

        message = message.Replace(target, path, StringComparison.Ordinal).Replace(full, path, StringComparison.Ordinal);
        return message.Contains(path, StringComparison.Ordinal) ? message : $"{path}: {message}";
    }

    private static partial class NativeMethods
    {
        /// <summary>stat(2) through .NET's own platform layer (libSystem.Native), whose status layout is the same on every Unix.</summary>
        [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static partial int Stat(string path, [Out] byte[] status);
    }
}
