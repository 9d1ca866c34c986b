using System.Collections.Generic;
using System.Linq;

namespace Ultra.DockerModel
{
    /// <summary>
    /// What removing a model will do, decided before anyone is asked: delete the whole model (every tag goes), or
    /// untag the one tag the user named while the model stays installed under its other tags. Docker Model Runner's
    /// own <c>rm</c> untags a named tag even with <c>--force</c> and deletes only by id, and untagging a model's last
    /// tag deletes it; so a plan is "untag" only when the model keeps another tag.
    /// </summary>
    public sealed class ModelRemoval
    {
        private ModelRemoval(LocalModel model, string? tag)
        {
            Model = model;
            Tag = tag;
        }

        public LocalModel Model { get; }

        /// <summary>The tag to untag, normalized; null when the whole model is deleted.</summary>
        public string? Tag { get; }

        public bool UntagOnly => Tag != null;

        /// <summary>The tags the model keeps after an untag (empty when the whole model goes).</summary>
        public IReadOnlyList<string> KeptTags => UntagOnly ? Model.Tags.Where(t => t != Tag).ToList() : new List<string>();

        /// <summary>Removes the whole model: a piped object, a wildcard, a repository name or an id.</summary>
        public static ModelRemoval WholeModel(LocalModel model) => new(model, null);

        /// <summary>
        /// For a name the user typed that selected <paramref name="model"/>: a name with an explicit tag (<c>ai/x:1B</c>)
        /// untags that tag when the model has others; any other name removes the model.
        /// </summary>
        public static ModelRemoval ForName(LocalModel model, string name)
        {
            if (!ModelReference.HasExplicitTag(name)) return WholeModel(model);
            string tag = ModelReference.Normalize(name);
            bool others = model.Tags.Any(t => t != tag);
            return others && model.Tags.Contains(tag) ? new ModelRemoval(model, tag) : WholeModel(model);
        }

        /// <summary>The ShouldProcess action: what happens, in a word or two.</summary>
        public string Action => UntagOnly ? "Untag (the model stays installed)" : "Remove model";

        /// <summary>The ShouldProcess target: the model or tag, its size, and what else goes or stays.</summary>
        public string Target
        {
            get
            {
                string size = Model.Size is null ? "" : $" ({ByteSize.Format(Model.Size)})";
                if (UntagOnly)
                    return $"tag '{Tag}' only; model{size} stays installed as {string.Join(", ", KeptTags)}";
                string target = $"model '{Model.Name}'{size}";
                return Model.Tags.Count > 1 ? $"{target} and all its {Model.Tags.Count} tags: {string.Join(", ", Model.Tags)}" : target;
            }
        }

        public override string ToString() => $"{Action}: {Target}";
    }
}
