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
    }
}
