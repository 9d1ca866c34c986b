using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Picks installed models by the names users type: wildcards, short names (<c>smollm2</c>), full tags or ids.</summary>
    internal static class ModelSelection
    {
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
