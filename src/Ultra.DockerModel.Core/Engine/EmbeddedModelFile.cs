using System;
using System.IO;
using System.Runtime.InteropServices;
using Ultra.DockerModel.Stores;

namespace Ultra.DockerModel.Engine
{
    /// <summary>What an Embedded provider's Model names: a .gguf file, or a Docker model found in a store on disk.</summary>
    public static class EmbeddedModelFile
    {
        /// <summary>True for a path (a .gguf file, or anything rooted or relative like ./x): not a Docker model name.</summary>
        public static bool IsPath(string model) =>
            model.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) || Path.IsPathRooted(model)
            || model.StartsWith("./", StringComparison.Ordinal) || model.StartsWith(".\\", StringComparison.Ordinal)
            || model.StartsWith("~", StringComparison.Ordinal);

        /// <summary>
        /// The GGUF file for <paramref name="model"/>: the path itself (made absolute), or the file a store on disk holds
        /// for that Docker model name (<paramref name="findInStores"/>). ModelNotFound when there is none.
        /// </summary>
        public static string Resolve(string model, Func<string, string?>? findInStores)
        {
            if (IsPath(model))
            {
                string path = FullPath(model);
                return File.Exists(path) ? path
                    : throw new ModelNotFoundException(model, null, $"The model file '{path}' does not exist.");
            }
            return findInStores?.Invoke(model)
                ?? throw new ModelNotFoundException(model, null,
                    $"Model '{model}' is not in a model store on this computer, so the embedded engine cannot run it. " +
                    "Pull it with 'Install-LocalModel', or give the path of a .gguf file.");
        }

        /// <summary>The absolute path <paramref name="model"/> names (~ is the user's home).</summary>
        public static string FullPath(string model) =>
            Path.GetFullPath(model.StartsWith("~", StringComparison.Ordinal)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), model.Substring(1).TrimStart('/', '\\'))
                : model);

        /// <summary>Whether two paths name one file: compared absolute, and without case where the file system usually ignores it.</summary>
        public static bool SameFile(string a, string b) => string.Equals(FullPath(a), FullPath(b), PathComparison);

        // Windows' and macOS's default file systems ignore case; Linux's do not.
        private static readonly StringComparison PathComparison =
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

        /// <summary>Whether a store on disk holds the model with its GGUF file(s).</summary>
        public static bool IsInStores(ModelStores stores, string model)
        {
            try
            {
                return stores.FindGguf(model) != null;
            }
            catch (ModelNotFoundException)
            {
                return false;
            }
        }

        /// <summary>The GGUF file of a Docker model in the stores on disk (the module's, then Docker's), or null when none holds it.</summary>
        public static string? InStores(ModelStores stores, string model)
        {
            if (!IsInStores(stores, model)) return null;
            var found = stores.FindGguf(model);
            // llama.cpp finds a split model's other files by their names (model-00001-of-00003.gguf); store blobs are named by digest.
            if (found.GgufPath.Count > 1)
                throw new DockerModelException(ErrorKind.ModelLoadFailed,
                    $"Model '{model}' is split into {found.GgufPath.Count} GGUF files, which the embedded engine cannot load from a store yet. Run it with Docker Model Runner.");
            return found.GgufPath[0];
        }
    }
}
