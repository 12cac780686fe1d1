using System.Runtime.Versioning;

// LibTorch comes from libtorch-cpu-linux-x64 only: these tests run on Linux x64.
[assembly: SupportedOSPlatform("linux")]
