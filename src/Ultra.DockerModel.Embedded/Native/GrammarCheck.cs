using System;
using System.Runtime.InteropServices;
using Ultra.DockerModel.Embedded.Models;

namespace Ultra.DockerModel.Embedded.Native
{
    /// <summary>
    /// Checks a GBNF grammar before it reaches a sampler chain: llama.cpp returns no sampler for a grammar it cannot
    /// parse, and LLamaSharp would add that null to the chain and crash the process. Parsing it once here is cheap.
    /// </summary>
    internal static partial class GrammarCheck
    {
        public static void Validate(ResidentModel model, string gbnf, string root, CallLog log)
        {
            IntPtr sampler;
            using (LlamaLog.Route(log))
                sampler = llama_sampler_init_grammar(llama_model_get_vocab(model.Weights.NativeHandle.DangerousGetHandle()), gbnf, root);
            if (sampler == IntPtr.Zero)
                throw new DockerModelException(ErrorKind.InvalidInvocation,
                    $"The grammar is not valid GBNF (start rule '{root}'). llama.cpp said: {log.Errors}".TrimEnd());
            llama_sampler_free(sampler);
        }

        [LibraryImport("llama")]
        private static partial IntPtr llama_model_get_vocab(IntPtr model);

        [LibraryImport("llama", StringMarshalling = StringMarshalling.Utf8)]
        private static partial IntPtr llama_sampler_init_grammar(IntPtr vocab, string grammar, string root);

        [LibraryImport("llama")]
        private static partial void llama_sampler_free(IntPtr sampler);
    }
}
