using VideoRec.Training.Native;

namespace VideoRec.Training.Tests;

/// <summary>The GLIBCXX_3.4.32 patch, on copies of the build output's libLibTorchSharp.so in a temporary folder.</summary>
public sealed class ElfVersionNeedPatcherTests : IDisposable
{
    // Without a runtime identifier the natives sit under runtimes/linux-x64/native; with -r linux-x64, beside the tests.
    private static readonly string OutputCopy = new[]
    {
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", ElfVersionNeedPatcher.LibTorchSharpFileName),
        Path.Combine(AppContext.BaseDirectory, ElfVersionNeedPatcher.LibTorchSharpFileName),
    }.First(File.Exists);

    private readonly string _folder = Directory.CreateTempSubdirectory("vrec-elf-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_build_output_copy_loads_on_this_system()
    {
        ElfVersionRequirement need = Glibcxx3432(OutputCopy);
        string? system = ElfVersionNeedPatcher.FindSystemLibrary(ElfVersionNeedPatcher.LibStdCxxSoname);
        bool systemDefinesIt = system != null && ElfVersionNeedPatcher.ReadDefinedVersions(system).Contains(ElfVersionNeedPatcher.Glibcxx3432);

        Assert.True(need.IsWeak || systemDefinesIt, $"{need} but {system ?? "no libstdc++"} lacks it: the build did not patch {OutputCopy}");
    }

    [Fact]
    public void The_nuget_cache_copy_is_never_patched()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string cached = Path.Combine(packages, "torchsharp", typeof(TorchSharp.torch).Assembly.GetName().Version!.ToString(3),
            "runtimes", "linux-x64", "native", ElfVersionNeedPatcher.LibTorchSharpFileName);
        if (!File.Exists(cached))
            return; // a different package layout or cache location: nothing to check

        Assert.False(Glibcxx3432(cached).IsWeak);
    }

    [Fact]
    public void Marking_weak_sets_only_the_weak_bit_of_that_one_requirement_and_is_idempotent()
    {
        string path = StrongCopy();
        byte[] before = File.ReadAllBytes(path);
        IReadOnlyList<ElfVersionRequirement> needsBefore = ElfVersionNeedPatcher.ReadRequirements(path);
        ElfVersionRequirement need = Glibcxx3432(path);
        Assert.False(need.IsWeak);
        Assert.Equal("libstdc++.so.6", need.File);

        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeedPatcher.MarkWeak(path, ElfVersionNeedPatcher.LibStdCxxSoname, ElfVersionNeedPatcher.Glibcxx3432));

        byte[] after = File.ReadAllBytes(path);
        Assert.Equal(before.Length, after.Length);
        int[] changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
        Assert.Equal([(int)need.FlagsOffset], changed);
        Assert.Equal(before[need.FlagsOffset] | ElfVersionNeedPatcher.VerFlagWeak, after[need.FlagsOffset]);

        IReadOnlyList<ElfVersionRequirement> needsAfter = ElfVersionNeedPatcher.ReadRequirements(path);
        Assert.Equal(needsBefore.Count, needsAfter.Count);
        for (int i = 0; i < needsBefore.Count; i++)
        {
            Assert.Equal(needsBefore[i].Version, needsAfter[i].Version);
            Assert.Equal(needsBefore[i].Index, needsAfter[i].Index);
            Assert.Equal(needsBefore[i].Version == ElfVersionNeedPatcher.Glibcxx3432, needsAfter[i].IsWeak);
        }

        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeedPatcher.MarkWeak(path, ElfVersionNeedPatcher.LibStdCxxSoname, ElfVersionNeedPatcher.Glibcxx3432));
        Assert.Equal(after, File.ReadAllBytes(path));
        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeedPatcher.PatchIfNeeded(path, ElfVersionNeedPatcher.LibStdCxxSoname, ElfVersionNeedPatcher.Glibcxx3432));
    }

    [Fact]
    public void The_patch_replaces_the_file_and_leaves_a_hard_linked_original_alone()
    {
        string path = StrongCopy();
        string link = Path.Combine(_folder, "linked.so");
        using (var ln = System.Diagnostics.Process.Start("ln", [path, link])) // as CreateHardLinksForCopyLocalIfPossible would
            ln.WaitForExit();
        DateTime lastWrite = File.GetLastWriteTimeUtc(path);

        var messages = new List<string>();
        Assert.Equal(ElfPatchOutcome.Patched,
            ElfVersionNeedPatcher.PatchIfNeeded(path, ElfVersionNeedPatcher.LibStdCxxSoname, ElfVersionNeedPatcher.Glibcxx3432, MissingLibrary(), messages.Add));

        Assert.True(Glibcxx3432(path).IsWeak);
        Assert.False(Glibcxx3432(link).IsWeak);
        Assert.Equal(lastWrite, File.GetLastWriteTimeUtc(path));
        Assert.Equal(File.GetUnixFileMode(link), File.GetUnixFileMode(path));
        Assert.Contains(ElfVersionNeedPatcher.Glibcxx3432, Assert.Single(messages));
        Assert.Equal(new[] { path, link }.Order(), Directory.GetFiles(_folder).Order()); // no temporary file left
    }

    [Fact]
    public void Nothing_is_patched_when_the_system_library_defines_the_version()
    {
        // This system's libstdc++ defines GLIBCXX_3.4.30, which libLibTorchSharp.so also needs (strongly).
        string? system = ElfVersionNeedPatcher.FindSystemLibrary(ElfVersionNeedPatcher.LibStdCxxSoname);
        Assert.NotNull(system);
        Assert.Contains("GLIBCXX_3.4.30", ElfVersionNeedPatcher.ReadDefinedVersions(system));
        string path = StrongCopy();
        byte[] before = File.ReadAllBytes(path);

        Assert.Equal(ElfPatchOutcome.SystemProvidesVersion,
            ElfVersionNeedPatcher.PatchIfNeeded(path, ElfVersionNeedPatcher.LibStdCxxSoname, "GLIBCXX_3.4.30", system));
        Assert.Equal(ElfPatchOutcome.NotRequired,
            ElfVersionNeedPatcher.PatchIfNeeded(path, ElfVersionNeedPatcher.LibStdCxxSoname, "GLIBCXX_9.9.9", MissingLibrary()));
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void The_dynamic_segment_gives_the_same_tables_as_the_section_headers()
    {
        string path = StrongCopy();
        byte[] image = File.ReadAllBytes(path);
        byte[] noSections = (byte[])image.Clone();
        Array.Clear(noSections, 0x28, 8); // e_shoff
        Array.Clear(noSections, 0x3c, 4); // e_shnum, e_shstrndx

        var bySections = ElfVersionNeedPatcher.ReadRequirements(image).Select(r => r.ToString() + "@" + r.FlagsOffset);
        var byDynamic = ElfVersionNeedPatcher.ReadRequirements(noSections).Select(r => r.ToString() + "@" + r.FlagsOffset);

        Assert.Equal(bySections, byDynamic);
        Assert.Equal(20, ElfVersionNeedPatcher.ReadRequirements(image).Count(r => r.File == "libstdc++.so.6"));
    }

    [Fact]
    public void Files_that_are_not_elf64_little_endian_are_rejected()
    {
        string text = Path.Combine(_folder, "not-elf.so");
        File.WriteAllText(text, new string('x', 100));
        byte[] elf32 = File.ReadAllBytes(OutputCopy)[..64];
        elf32[4] = 1; // EI_CLASS = ELFCLASS32

        Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadRequirements(text));
        Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadRequirements(elf32));
    }

    private static ElfVersionRequirement Glibcxx3432(string path) =>
        Assert.Single(ElfVersionNeedPatcher.ReadRequirements(path), r => r.Version == ElfVersionNeedPatcher.Glibcxx3432);

    /// <summary>A copy of the output's library with the GLIBCXX_3.4.32 need strong again, as TorchSharp ships it.</summary>
    private string StrongCopy()
    {
        string path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".so");
        File.Copy(OutputCopy, path);
        ElfVersionRequirement need = Glibcxx3432(path);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Position = need.FlagsOffset;
            ushort flags = (ushort)(need.Flags & ~ElfVersionNeedPatcher.VerFlagWeak);
            stream.Write([(byte)flags, (byte)(flags >> 8)]);
        }

        return path;
    }

    private string MissingLibrary() => Path.Combine(_folder, "no-such-libstdc++.so.6");
}
