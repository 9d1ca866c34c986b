namespace Ultra.DockerModel
{
    /// <summary>One turn of a conversation: <c>system</c>, <c>user</c> or <c>assistant</c>.</summary>
    public sealed class LlmMessage
    {
        public LlmMessage(string role, string content)
        {
            Role = role;
            Content = content;
        }

        public string Role { get; }
        public string Content { get; }

        public override string ToString() => $"{Role}: {Content}";
    }
}
