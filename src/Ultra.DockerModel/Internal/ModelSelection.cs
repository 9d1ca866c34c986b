using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Ultra.DockerModel.Engine;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Picks installed models by the names users type: wildcards, short names (<c>smollm2</c>), full tags or ids.</summary>
    internal static class ModelSelection
    {
        /// <summary>
        /// The names worth listing the models for: an invalid plain name (not a wildcard) gets its InvalidModelName
        /// error through <paramref name="reject"/> here, before any docker process starts.
        /// </summary>
        /// <param name="files">Whether a .gguf path names a model too (the embedded engine's, loaded or measured).</param>
        public static string[] ValidNames(IEnumerable<string> names, System.Action<string, DockerModelException> reject, bool files = false)
        {
            var valid = new List<string>();
            foreach (string name in names)
            {
                if (WildcardPattern.ContainsWildcardCharacters(name) || ModelReference.IsValid(name) || (files && EmbeddedModelFile.IsPath(name))) valid.Add(name);
                else reject(name, new InvalidModelNameException(name));
            }
            return valid.ToArray();
        }

        /// <summary>The loaded models a name selects, by the same rules (a loaded model's one name is its tag, or its id).</summary>
        public static IReadOnlyList<LoadedModel> SelectLoaded(IReadOnlyList<LoadedModel> models, string name)
        {
            if (EmbeddedModelFile.IsPath(name) && !WildcardPattern.ContainsWildcardCharacters(name))
                return models.Where(m => m.Path != null && EmbeddedModelFile.SameFile(m.Path, name)).ToList();
            if (!WildcardPattern.ContainsWildcardCharacters(name))
                return models.Where(m => ModelReference.IsId(m.Name)
                    ? ModelReference.Matches(System.Array.Empty<string>(), m.Name, name)
                    : ModelReference.Matches(new[] { m.Name }, "", name)).ToList();
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            return models.Where(m => pattern.IsMatch(m.Name) || pattern.IsMatch(ModelReference.ShortName(m.Name))).ToList();
        }

        public static IReadOnlyList<LocalModel> Select(IReadOnlyList<LocalModel> models, string name)
        {
            if (!WildcardPattern.ContainsWildcardCharacters(name))
            {
                ModelReference.Validate(name);
                return models.Where(m => ModelReference.Matches(m, name)).ToList();
            }
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            return models.Where(m => pattern.IsMatch(m.Id) || pattern.IsMatch(m.ShortId)
                || m.Tags.Any(t => pattern.IsMatch(t) || pattern.IsMatch(ModelReference.ShortName(t)))).ToList();
        }
    }
}
