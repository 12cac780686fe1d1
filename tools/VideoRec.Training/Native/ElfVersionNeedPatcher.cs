// This file is compiled twice: into VideoRec.Training (which defines VIDEOREC_TRAINING_LIBRARY), where
// ElfVersionNeedPatcher is the public, unit-tested API; and by MSBuild's RoslynCodeTaskFactory from
// build/VideoRec.Training.targets, which also compiles the WeakenLibTorchSharpVersionNeed task at the end of the file.
// The inline task is built against .NET Standard 2.0 reference assemblies: keep this code to those APIs
// (no Span, no ranges, no records or init accessors).
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace VideoRec.Training.Native;

/// <summary>What <see cref="ElfVersionNeedPatcher"/> did to a shared library.</summary>
public enum ElfPatchOutcome
{
    /// <summary>The version requirement was strong and is now marked weak (the file was rewritten).</summary>
    Patched,

    /// <summary>The version requirement was already weak; the file was not touched.</summary>
    AlreadyWeak,

    /// <summary>The library does not require that version at all; the file was not touched.</summary>
    NotRequired,

    /// <summary>The system library already defines that version, so loading works as shipped; the file was not touched.</summary>
    SystemProvidesVersion,
}

/// <summary>One entry of an ELF file's version needs (<c>.gnu.version_r</c>): a symbol version required from a library.</summary>
public sealed class ElfVersionRequirement
{
    /// <summary>Creates a requirement as read from the file.</summary>
    public ElfVersionRequirement(string file, string version, ushort flags, ushort index, long flagsOffset)
    {
        File = file;
        Version = version;
        Flags = flags;
        Index = index;
        FlagsOffset = flagsOffset;
    }

    /// <summary>The needed library's name (<c>vn_file</c>), e.g. <c>libstdc++.so.6</c>.</summary>
    public string File { get; }

    /// <summary>The version name (<c>vna_name</c>), e.g. <c>GLIBCXX_3.4.32</c>.</summary>
    public string Version { get; }

    /// <summary>The <c>vna_flags</c> field; bit <see cref="ElfVersionNeedPatcher.VerFlagWeak"/> marks the requirement weak.</summary>
    public ushort Flags { get; }

    /// <summary>The version index (<c>vna_other</c>) that <c>.gnu.version</c> entries use to refer to this version.</summary>
    public ushort Index { get; }

    /// <summary>The file offset of the two-byte <c>vna_flags</c> field.</summary>
    public long FlagsOffset { get; }

    /// <summary>True when a missing version is not fatal to the dynamic loader.</summary>
    public bool IsWeak => (Flags & ElfVersionNeedPatcher.VerFlagWeak) != 0;

    /// <inheritdoc />
    public override string ToString() => File + ": " + Version + (IsWeak ? " (weak)" : "") + " [index " + Index + "]";
}

/// <summary>
/// Reads the symbol-version tables of an ELF64 little-endian shared library and marks one version requirement weak.
/// </summary>
/// <remarks>
/// <para>TorchSharp's <c>libLibTorchSharp.so</c> is linked against a libstdc++ that defines <c>GLIBCXX_3.4.32</c>
/// (GCC 13) and records a strong need for that version, only for <c>std::ios_base_library_init()</c>, which no
/// relocation references. Debian 12's libstdc++ ends at <c>GLIBCXX_3.4.30</c>, so <c>dlopen</c> fails with
/// "version `GLIBCXX_3.4.32' not found". Setting <c>VER_FLG_WEAK</c> in that requirement's <c>vna_flags</c> makes glibc's
/// loader accept the missing version; nothing binds to it, so the library then loads and runs.</para>
/// <para>The tables are found through the section headers (<c>SHT_GNU_verneed</c>, <c>SHT_GNU_verdef</c> and their
/// linked string tables) or, when those are absent, through the dynamic segment (<c>DT_VERNEED</c>, <c>DT_VERDEF</c>,
/// <c>DT_STRTAB</c>). Files are never edited in place: the patched image is written to a copy that replaces the
/// original by rename, so a hard-linked original (for instance in the NuGet cache) is left intact.</para>
/// </remarks>
public static class ElfVersionNeedPatcher
{
    /// <summary><c>VER_FLG_WEAK</c>: the bit of <c>vna_flags</c> that makes a version requirement weak.</summary>
    public const ushort VerFlagWeak = 0x2;

    /// <summary>TorchSharp's native bridge library, the file the build patches.</summary>
    public const string LibTorchSharpFileName = "libLibTorchSharp.so";

    /// <summary>The C++ runtime that <see cref="LibTorchSharpFileName"/> needs the version from.</summary>
    public const string LibStdCxxSoname = "libstdc++.so.6";

    /// <summary>The version that Debian 12's libstdc++ lacks.</summary>
    public const string Glibcxx3432 = "GLIBCXX_3.4.32";

    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint PtLoad = 1;
    private const uint PtDynamic = 2;
    private const long DtNull = 0;
    private const long DtStrtab = 5;
    private const long DtVerdef = 0x6ffffffc;
    private const long DtVerneed = 0x6ffffffe;

    /// <summary>Reads every version requirement (<c>Verneed</c>/<c>Vernaux</c> entry) of an ELF file.</summary>
    /// <param name="path">An ELF64 little-endian file.</param>
    /// <returns>The requirements in file order; empty when the file has no version needs.</returns>
    /// <exception cref="InvalidDataException">The file is not an ELF64 little-endian file or its tables are malformed.</exception>
    public static IReadOnlyList<ElfVersionRequirement> ReadRequirements(string path) => ReadRequirements(System.IO.File.ReadAllBytes(path));

    /// <summary>Reads every version requirement of an ELF image held in memory.</summary>
    /// <param name="image">The whole file.</param>
    /// <returns>The requirements in file order; empty when the image has no version needs.</returns>
    /// <exception cref="InvalidDataException">The image is not ELF64 little-endian or its tables are malformed.</exception>
    public static IReadOnlyList<ElfVersionRequirement> ReadRequirements(byte[] image)
    {
        var elf = new Image(image);
        var result = new List<ElfVersionRequirement>();
        if (!elf.TryFindTable(ShtGnuVerneed, DtVerneed, out long table, out long strtab))
            return result;

        long need = table;
        for (int guard = 0; guard < 4096; guard++)
        {
            ushort count = elf.U16(need + 2);
            string file = elf.CString(strtab + elf.U32(need + 4));
            long aux = need + elf.U32(need + 8);
            for (int i = 0; i < count; i++)
            {
                ushort flags = elf.U16(aux + 4);
                ushort index = elf.U16(aux + 6);
                string version = elf.CString(strtab + elf.U32(aux + 8));
                result.Add(new ElfVersionRequirement(file, version, flags, index, aux + 4));
                uint nextAux = elf.U32(aux + 12);
                if (nextAux == 0)
                    break;
                aux += nextAux;
            }

            uint next = elf.U32(need + 12);
            if (next == 0)
                return result;
            need += next;
        }

        throw new InvalidDataException("The version-need chain does not end.");
    }

    /// <summary>Reads the version names an ELF library defines (<c>.gnu.version_d</c>), e.g. <c>GLIBCXX_3.4.30</c>.</summary>
    /// <param name="path">An ELF64 little-endian shared library.</param>
    /// <returns>The defined version names, including the library's own base name; empty when it defines none.</returns>
    /// <exception cref="InvalidDataException">The file is not ELF64 little-endian or its tables are malformed.</exception>
    public static IReadOnlyList<string> ReadDefinedVersions(string path)
    {
        var elf = new Image(System.IO.File.ReadAllBytes(path));
        var result = new List<string>();
        if (!elf.TryFindTable(ShtGnuVerdef, DtVerdef, out long def, out long strtab))
            return result;

        for (int guard = 0; guard < 65536; guard++)
        {
            ushort auxCount = elf.U16(def + 6);
            if (auxCount > 0)
                result.Add(elf.CString(strtab + elf.U32(def + elf.U32(def + 12))));
            uint next = elf.U32(def + 16);
            if (next == 0)
                return result;
            def += next;
        }

        throw new InvalidDataException("The version-definition chain does not end.");
    }

    /// <summary>
    /// Marks the requirement of <paramref name="version"/> from <paramref name="neededFile"/> weak, by setting
    /// <see cref="VerFlagWeak"/> in its <c>vna_flags</c>. Only those two bytes change. Idempotent.
    /// </summary>
    /// <param name="path">The ELF file to patch; rewritten through a sibling temporary file and a rename, keeping its
    /// permissions and last-write time (so MSBuild's copy-if-changed leaves the patched copy alone).</param>
    /// <param name="neededFile">The needed library, e.g. <see cref="LibStdCxxSoname"/>.</param>
    /// <param name="version">The version name, e.g. <see cref="Glibcxx3432"/>.</param>
    /// <returns><see cref="ElfPatchOutcome.Patched"/>, <see cref="ElfPatchOutcome.AlreadyWeak"/> or
    /// <see cref="ElfPatchOutcome.NotRequired"/>.</returns>
    /// <exception cref="InvalidDataException">The file is not ELF64 little-endian or its tables are malformed.</exception>
    public static ElfPatchOutcome MarkWeak(string path, string neededFile, string version)
    {
        byte[] image = System.IO.File.ReadAllBytes(path);
        ElfVersionRequirement? target = null;
        foreach (ElfVersionRequirement requirement in ReadRequirements(image))
        {
            if (requirement.File == neededFile && requirement.Version == version)
            {
                target = requirement;
                break;
            }
        }

        if (target == null)
            return ElfPatchOutcome.NotRequired;
        if (target.IsWeak)
            return ElfPatchOutcome.AlreadyWeak;

        ushort flags = (ushort)(target.Flags | VerFlagWeak);
        DateTime lastWrite = System.IO.File.GetLastWriteTimeUtc(path);
        string temporary = path + ".weak-" + Guid.NewGuid().ToString("N");
        try
        {
            System.IO.File.Copy(path, temporary, overwrite: false);
            using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.Write, FileShare.None))
            {
                stream.Position = target.FlagsOffset;
                stream.WriteByte((byte)flags);
                stream.WriteByte((byte)(flags >> 8));
            }

            System.IO.File.SetLastWriteTimeUtc(temporary, lastWrite);
            System.IO.File.Replace(temporary, path, null);
        }
        finally
        {
            if (System.IO.File.Exists(temporary))
                System.IO.File.Delete(temporary);
        }

        return ElfPatchOutcome.Patched;
    }

    /// <summary>
    /// Marks the requirement weak only when it is needed: when the library requires <paramref name="version"/>
    /// strongly and the system's copy of <paramref name="neededFile"/> does not define it (or cannot be found).
    /// </summary>
    /// <param name="path">The ELF file to patch, e.g. the build output's <see cref="LibTorchSharpFileName"/>.</param>
    /// <param name="neededFile">The needed library, e.g. <see cref="LibStdCxxSoname"/>.</param>
    /// <param name="version">The version name, e.g. <see cref="Glibcxx3432"/>.</param>
    /// <param name="systemLibrary">The system library to check; null looks it up with <see cref="FindSystemLibrary"/>. When
    /// it does not exist, the file is patched (a weak need is harmless where the version does exist).</param>
    /// <param name="log">Receives one line when the file is patched.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="InvalidDataException">An ELF file is not ELF64 little-endian or its tables are malformed.</exception>
    public static ElfPatchOutcome PatchIfNeeded(string path, string neededFile, string version, string? systemLibrary = null, Action<string>? log = null)
    {
        ElfVersionRequirement? target = null;
        foreach (ElfVersionRequirement requirement in ReadRequirements(path))
        {
            if (requirement.File == neededFile && requirement.Version == version)
                target = requirement;
        }

        if (target == null)
            return ElfPatchOutcome.NotRequired;
        if (target.IsWeak)
            return ElfPatchOutcome.AlreadyWeak;

        systemLibrary ??= FindSystemLibrary(neededFile);
        if (systemLibrary != null && !System.IO.File.Exists(systemLibrary))
            systemLibrary = null;
        if (systemLibrary != null && ReadDefinedVersions(systemLibrary).Contains(version))
            return ElfPatchOutcome.SystemProvidesVersion;

        ElfPatchOutcome outcome = MarkWeak(path, neededFile, version);
        if (outcome == ElfPatchOutcome.Patched && log != null)
        {
            log("Marked the " + version + " need of " + path + " weak (vna_flags at file offset 0x" + target.FlagsOffset.ToString("x") +
                ": 0x" + target.Flags.ToString("x") + " -> 0x" + (target.Flags | VerFlagWeak).ToString("x") + "): "
                + (systemLibrary ?? neededFile + " (not found)") + " does not define it.");
        }

        return outcome;
    }

    /// <summary>
    /// Finds the file the dynamic loader would most likely pick for <paramref name="soname"/>: the first match in
    /// <c>LD_LIBRARY_PATH</c>, then in the usual multiarch and lib64 directories.
    /// </summary>
    /// <param name="soname">A library file name such as <see cref="LibStdCxxSoname"/>.</param>
    /// <returns>The full path, or null when none is found.</returns>
    public static string? FindSystemLibrary(string soname)
    {
        var directories = new List<string>();
        string? libraryPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
        if (!string.IsNullOrEmpty(libraryPath))
            directories.AddRange(libraryPath!.Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries));
        directories.AddRange(new[]
        {
            "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/aarch64-linux-gnu",
            "/usr/lib64", "/lib64", "/usr/lib", "/lib",
        });
        foreach (string directory in directories)
        {
            string candidate = Path.Combine(directory, soname);
            if (System.IO.File.Exists(candidate))
                return candidate;
        }

        return null;
    }

    /// <summary>Bounds-checked little-endian reads over an ELF64 image.</summary>
    private sealed class Image
    {
        private readonly byte[] _data;

        public Image(byte[] data)
        {
            _data = data;
            if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
                throw new InvalidDataException("Not an ELF file.");
            if (data[4] != 2 || data[5] != 1)
                throw new InvalidDataException("Only ELF64 little-endian files are supported (EI_CLASS " + data[4] + ", EI_DATA " + data[5] + ").");
        }

        public ushort U16(long offset)
        {
            Check(offset, 2);
            return (ushort)(_data[offset] | _data[offset + 1] << 8);
        }

        public uint U32(long offset)
        {
            Check(offset, 4);
            return (uint)(_data[offset] | _data[offset + 1] << 8 | _data[offset + 2] << 16 | _data[offset + 3] << 24);
        }

        public long U64(long offset)
        {
            ulong value = U32(offset) | (ulong)U32(offset + 4) << 32;
            if (value > long.MaxValue)
                throw new InvalidDataException("A 64-bit field at 0x" + offset.ToString("x") + " is out of range.");
            return (long)value;
        }

        public string CString(long offset)
        {
            Check(offset, 1);
            long end = offset;
            while (end < _data.Length && _data[end] != 0)
                end++;
            if (end == _data.Length)
                throw new InvalidDataException("An unterminated string at 0x" + offset.ToString("x") + ".");
            return Encoding.UTF8.GetString(_data, (int)offset, (int)(end - offset));
        }

        /// <summary>Finds a version table and its string table: by section type, else by dynamic tag.</summary>
        public bool TryFindTable(uint sectionType, long dynamicTag, out long table, out long strtab)
        {
            long shoff = U64(0x28);
            int shentsize = U16(0x3a);
            long shnum = U16(0x3c);
            if (shoff != 0 && shnum == 0)
                shnum = U64(shoff + 0x20); // extended numbering: the count is section 0's sh_size
            if (shoff != 0 && shentsize >= 64)
            {
                for (long i = 0; i < shnum; i++)
                {
                    long header = shoff + i * shentsize;
                    if (U32(header + 4) != sectionType)
                        continue;
                    long link = U32(header + 0x28);
                    if (link == 0 || link >= shnum)
                        throw new InvalidDataException("The version section has no string table link.");
                    table = U64(header + 0x18);
                    strtab = U64(shoff + link * shentsize + 0x18);
                    return true;
                }
            }

            return TryFindDynamic(dynamicTag, out table, out strtab);
        }

        private bool TryFindDynamic(long dynamicTag, out long table, out long strtab)
        {
            table = strtab = 0;
            long phoff = U64(0x20);
            int phentsize = U16(0x36);
            int phnum = U16(0x38);
            long dynamic = -1, dynamicSize = 0;
            for (int i = 0; i < phnum && phentsize >= 56; i++)
            {
                long header = phoff + (long)i * phentsize;
                if (U32(header) == PtDynamic)
                {
                    dynamic = U64(header + 8);
                    dynamicSize = U64(header + 0x20);
                }
            }

            if (dynamic < 0)
                return false;
            long tableAddress = -1, strtabAddress = -1;
            for (long entry = dynamic; entry + 16 <= dynamic + dynamicSize; entry += 16)
            {
                long tag = U64(entry);
                if (tag == DtNull)
                    break;
                if (tag == dynamicTag)
                    tableAddress = U64(entry + 8);
                else if (tag == DtStrtab)
                    strtabAddress = U64(entry + 8);
            }

            if (tableAddress < 0 || strtabAddress < 0)
                return false;
            table = ToFileOffset(tableAddress, phoff, phentsize, phnum);
            strtab = ToFileOffset(strtabAddress, phoff, phentsize, phnum);
            return true;
        }

        private long ToFileOffset(long address, long phoff, int phentsize, int phnum)
        {
            for (int i = 0; i < phnum; i++)
            {
                long header = phoff + (long)i * phentsize;
                if (U32(header) != PtLoad)
                    continue;
                long offset = U64(header + 8), vaddr = U64(header + 0x10), filesz = U64(header + 0x20);
                if (address >= vaddr && address < vaddr + filesz)
                    return offset + (address - vaddr);
            }

            throw new InvalidDataException("Address 0x" + address.ToString("x") + " is in no loaded segment.");
        }

        private void Check(long offset, int length)
        {
            if (offset < 0 || offset + length > _data.Length)
                throw new InvalidDataException("Offset 0x" + offset.ToString("x") + " is outside the file.");
        }
    }
}

#if !VIDEOREC_TRAINING_LIBRARY
/// <summary>
/// MSBuild task (compiled only by RoslynCodeTaskFactory in build/VideoRec.Training.targets): runs
/// <see cref="ElfVersionNeedPatcher.PatchIfNeeded"/> on each given copy of libLibTorchSharp.so.
/// </summary>
public sealed class WeakenLibTorchSharpVersionNeed : Microsoft.Build.Utilities.Task
{
    /// <summary>The build output's copies of libLibTorchSharp.so; missing files are skipped.</summary>
    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = new Microsoft.Build.Framework.ITaskItem[0];

    /// <summary>The version to make weak.</summary>
    public string Version { get; set; } = ElfVersionNeedPatcher.Glibcxx3432;

    /// <inheritdoc />
    public override bool Execute()
    {
        foreach (Microsoft.Build.Framework.ITaskItem item in Files)
        {
            string path = item.GetMetadata("FullPath");
            if (!System.IO.File.Exists(path))
                continue;
            try
            {
                ElfPatchOutcome outcome = ElfVersionNeedPatcher.PatchIfNeeded(path, ElfVersionNeedPatcher.LibStdCxxSoname, Version, null,
                    message => Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, message));
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, path + ": " + outcome);
            }
            catch (Exception exception) when (exception is InvalidDataException || exception is IOException || exception is UnauthorizedAccessException)
            {
                Log.LogError("Could not mark the " + Version + " need of " + path + " weak: " + exception.Message);
            }
        }

        return !Log.HasLoggedErrors;
    }
}
#endif
