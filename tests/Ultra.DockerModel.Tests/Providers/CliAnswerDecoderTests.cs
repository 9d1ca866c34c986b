using System.Linq;
using System.Text;
using Ultra.DockerModel.Providers;
using Xunit;

namespace Ultra.DockerModel.Tests.Providers
{
    public class CliAnswerDecoderTests
    {
        private const string Answer = "Héllo “quoted” 日本語 🙂 done";

        private static string DecodeInPieces(byte[] bytes, params int[] cuts)
        {
            var d = new CliAnswerDecoder();
            var text = new StringBuilder();
            int start = 0;
            foreach (int cut in cuts.Append(bytes.Length))
            {
                text.Append(d.Push(bytes[start..cut], 0, cut - start));
                start = cut;
            }
            return text.Append(d.Complete()).ToString();
        }

        [Fact]
        public void A_multibyte_character_split_at_any_byte_comes_out_whole()
        {
            byte[] bytes = Encoding.UTF8.GetBytes(Answer + "\n");
            for (int cut = 1; cut < bytes.Length; cut++)
                Assert.Equal(Answer, DecodeInPieces(bytes, cut));
        }

        [Fact]
        public void Byte_by_byte_decoding_is_exact()
        {
            byte[] bytes = Encoding.UTF8.GetBytes(Answer + "\n");
            Assert.Equal(Answer, DecodeInPieces(bytes, Enumerable.Range(1, bytes.Length - 1).ToArray()));
        }

        [Fact]
        public void The_token_usage_trailer_is_removed_and_counted()
        {
            var d = new CliAnswerDecoder();
            byte[] bytes = Encoding.UTF8.GetBytes("Hello!\n\nToken usage: 31 prompt + 9 completion = 40 total\n");
            var streamed = new StringBuilder();
            foreach (byte b in bytes) streamed.Append(d.Push(new[] { b }, 0, 1));
            string all = streamed + d.Complete();
            Assert.Equal("Hello!", all);
            Assert.Equal(31, d.PromptTokens);
            Assert.Equal(9, d.CompletionTokens);
            Assert.DoesNotContain("Token", streamed.ToString());
        }

        [Fact]
        public void Inner_newlines_are_released_and_only_the_final_one_is_dropped()
        {
            var d = new CliAnswerDecoder();
            byte[] bytes = Encoding.UTF8.GetBytes("line one\nline two\n\n");
            string released = d.Push(bytes, 0, bytes.Length);
            Assert.Equal("line one\nline two", released);
            Assert.Equal("line one\nline two\n", released + d.Complete());
        }

        [Fact]
        public void An_answer_without_a_final_newline_is_kept_whole() =>
            Assert.Equal("no newline", DecodeInPieces(Encoding.UTF8.GetBytes("no newline")));

        [Fact]
        public void Invalid_utf8_is_replaced_and_counted()
        {
            var d = new CliAnswerDecoder();
            string text = d.Push(new byte[] { (byte)'a', 0xFF, 0xFE, (byte)'b' }, 0, 4) + d.Complete();
            Assert.StartsWith("a\uFFFD", text);
            Assert.EndsWith("b", text);
            Assert.True(d.InvalidSequences >= 1);
        }

        // Issue 10 item 15: the CLI prints reasoning_content as "Thinking:\n" + thinking + "\n\n--\n\n" + answer
        // (desktop.go); the thinking is not the answer.
        private static (string Answer, string Reasoning) Split(byte[] bytes, params int[] cuts)
        {
            var d = new CliAnswerDecoder();
            var answer = new StringBuilder();
            var reasoning = new StringBuilder();
            int start = 0;
            foreach (int cut in cuts.Append(bytes.Length))
            {
                answer.Append(d.Push(bytes[start..cut], 0, cut - start));
                reasoning.Append(d.TakeReasoning());
                start = cut;
            }
            answer.Append(d.Complete());
            reasoning.Append(d.TakeReasoning());
            return (answer.ToString(), reasoning.ToString());
        }

        private const string Thought = "Let me think: «hi» 🙂\nline two\n\n-";

        [Fact]
        public void The_Thinking_block_is_reasoning_and_not_the_answer_wherever_the_output_is_cut()
        {
            byte[] bytes = Encoding.UTF8.GetBytes("Thinking:\n" + Thought + "\n\n--\n\n" + Answer + "\n");
            for (int cut = 1; cut < bytes.Length; cut++)
                Assert.Equal((Answer, Thought), Split(bytes, cut));
            Assert.Equal((Answer, Thought), Split(bytes, Enumerable.Range(1, bytes.Length - 1).ToArray()));
        }

        [Fact]
        public void The_usage_trailer_and_a_reasoning_only_output_are_handled()
        {
            byte[] trailer = Encoding.UTF8.GetBytes("Thinking:\n" + Thought + "\n\n--\n\n" + Answer + "\n\nToken usage: 3 prompt + 4 completion = 7 total\n");
            Assert.Equal((Answer, Thought), Split(trailer, 12));
            // Cut off by a token limit while thinking: no answer, and the closing newline is not reasoning either.
            Assert.Equal(("", Thought), Split(Encoding.UTF8.GetBytes("Thinking:\n" + Thought + "\n"), 5));
        }

        [Theory]
        [InlineData("The sky is blue.")]
        [InlineData("Thinking: is what I do.")]
        [InlineData("Thin")]
        public void An_answer_without_a_Thinking_block_is_all_answer(string text)
        {
            Assert.Equal((text, ""), Split(Encoding.UTF8.GetBytes(text + "\n"), 2));
            // Released as soon as it cannot be the header any more.
            var d = new CliAnswerDecoder();
            Assert.Equal("The", d.Push(Encoding.UTF8.GetBytes("The"), 0, 3));
        }
    }
}