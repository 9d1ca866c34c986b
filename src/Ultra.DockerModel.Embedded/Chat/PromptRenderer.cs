using System.Collections.Generic;
using System.Text;
using LLama;
using LLama.Exceptions;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Embedded.Models;

namespace Ultra.DockerModel.Embedded.Chat
{
    /// <summary>
    /// The conversation as the model expects it, through llama.cpp's llama_chat_apply_template: the GGUF's own chat
    /// template, or ChatML when it has none. llama.cpp recognises the common template families (ChatML, Llama 2/3,
    /// Mistral, Gemma, Phi, ...) but has no Jinja engine, so an unusual template is an error that names it.
    /// </summary>
    internal static class PromptRenderer
    {
        public static string Render(ResidentModel model, IEnumerable<ChatMessage> messages, ChatOptions? options)
        {
            var template = new LLamaTemplate(model.ChatTemplate ?? "chatml") { AddAssistant = true };
            if (!string.IsNullOrWhiteSpace(options?.Instructions)) template.Add("system", options!.Instructions!);
            foreach (var message in messages) template.Add(message.Role.Value, message.Text);
            try
            {
                return Encoding.UTF8.GetString(template.Apply());
            }
            catch (MissingTemplateException e)
            {
                string shown = model.ChatTemplate!.Length > 160 ? model.ChatTemplate.Substring(0, 160) + "..." : model.ChatTemplate;
                throw new DockerModelException(ErrorKind.ModelLoadFailed,
                    $"The chat template of '{model.Name}' is not one llama.cpp can apply (it knows the common families such as ChatML, " +
                    $"Llama 2/3, Mistral, Gemma and Phi, and has no Jinja engine for others). Run this model with Docker Model Runner " +
                    $"instead. The template begins: {shown}", e.Message, e);
            }
        }
    }
}
