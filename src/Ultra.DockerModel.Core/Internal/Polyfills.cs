// Lets netstandard2.0 use C# 9+ init-only setters and records.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit { }
}
