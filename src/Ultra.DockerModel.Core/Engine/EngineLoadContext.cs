using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace Ultra.DockerModel.Engine
{
    /// <summary>
    /// The embedded engine's own load context: LLamaSharp and its dependencies load from the engine folder, isolated from
    /// whatever other modules put in the default context. The assemblies whose types cross the boundary are NOT loaded
    /// here (Load returns null, so the default context's copy is used): Core (IEmbeddedEngine), Microsoft.Extensions.AI's
    /// abstractions (IChatClient) and what their public surface exposes. Not collectible: native libraries cannot be unloaded.
    /// </summary>
    internal sealed class EngineLoadContext : AssemblyLoadContext
    {
        private static readonly HashSet<string> Shared = new(StringComparer.OrdinalIgnoreCase)
        {
            "Ultra.DockerModel.Core",
            "Microsoft.Extensions.AI.Abstractions",
            "Microsoft.Bcl.AsyncInterfaces",
            "System.Text.Json",
            "System.Text.Encodings.Web",
        };

        private readonly string _directory;

        // The netstandard reference has only the parameterless constructor: an unnamed, non-collectible context.
        private EngineLoadContext(string directory) => _directory = directory;

        public static IEmbeddedEngine CreateEngine(string directory, string file, string typeName)
        {
            var context = new EngineLoadContext(directory);
            var type = context.LoadFromAssemblyPath(file).GetType(typeName, throwOnError: true)!;
            return (IEmbeddedEngine)Activator.CreateInstance(type)!;
        }

        protected override Assembly? Load(AssemblyName name)
        {
            if (name.Name is null || Shared.Contains(name.Name)) return null;
            string path = Path.Combine(_directory, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
