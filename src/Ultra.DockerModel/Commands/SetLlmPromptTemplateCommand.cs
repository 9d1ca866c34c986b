using System;
using System.Linq;
using System.Management.Automation;
using Ultra.DockerModel.Settings;
using Ultra.DockerModel.Templates;

namespace Ultra.DockerModel.Commands
{
    /// <summary>Creates a prompt template, or changes the parts of one that are given.</summary>
    [Cmdlet(VerbsCommon.Set, "LlmPromptTemplate", SupportsShouldProcess = true)]
    [OutputType(typeof(PromptTemplate))]
    public sealed class SetLlmPromptTemplateCommand : DockerModelCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TemplateNameCompleter))]
        public string Name { get; set; } = "";

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Prompt { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        public string? SystemPrompt { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [ArgumentCompleter(typeof(LocalModelNameCompleter))]
        public string? Model { get; set; }

        // Ranges are checked by the template itself: a piped template whose value is null must bind (and clear it).
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public double? Temperature { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public int? MaxTokens { get; set; }

        /// <summary>As Invoke-LocalLlm -Schema: a hashtable, a JSON Schema string or a class; kept as JSON.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        public object? Schema { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        public string? Description { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var store = new SettingsStore();
            try
            {
                if (Model != null) ModelReference.Validate(Model);
                string? schema = Schema is null ? null : SchemaArgument.From(Schema).Json;
                var existing = store.Load().Templates.FirstOrDefault(t => Same(t.Name));
                if (existing is null && Prompt is null)
                    throw new DockerModelException(ErrorKind.InvalidInvocation, $"There is no template named '{Name}' yet: give -Prompt to create it.");
                if (!ShouldProcess(Name, existing is null ? "Create prompt template" : "Update prompt template")) return;
                PromptTemplate? saved = null;
                store.Update(settings =>
                {
                    var template = settings.Templates.FirstOrDefault(t => Same(t.Name));
                    if (template is null) settings.Templates.Add(template = new PromptTemplate { Name = Name });
                    var bound = MyInvocation.BoundParameters;
                    if (Prompt != null) template.Prompt = Prompt;
                    if (bound.ContainsKey(nameof(SystemPrompt))) template.SystemPrompt = NullIfEmpty(SystemPrompt);
                    if (bound.ContainsKey(nameof(Model))) template.Model = NullIfEmpty(Model);
                    if (bound.ContainsKey(nameof(Temperature))) template.Temperature = (float?)Temperature;
                    if (bound.ContainsKey(nameof(MaxTokens))) template.MaxTokens = MaxTokens;
                    if (bound.ContainsKey(nameof(Schema))) template.Schema = schema;
                    if (bound.ContainsKey(nameof(Description))) template.Description = NullIfEmpty(Description);
                    saved = template;
                });
                if (PassThru) WriteObject(saved);
            }
            catch (DockerModelException e)
            {
                WriteError(ToErrorRecord(e, Name));
            }
        }

        private bool Same(string name) => string.Equals(name, Name, StringComparison.OrdinalIgnoreCase);

        private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
    }
}
