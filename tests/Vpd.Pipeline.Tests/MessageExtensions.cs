using Vpd.Core.Contracts;

namespace Vpd.Pipeline.Tests;

/// <summary>Reading and reshaping queued vpd-expressions messages in tests.</summary>
internal static class MessageExtensions
{
    /// <summary>The one object of a message that must have one.</summary>
    public static MessageObject Only(this ExpressionMessage message) => Assert.Single(message.Objects);

    /// <summary>The message with its one object changed.</summary>
    public static ExpressionMessage WithOnly(this ExpressionMessage message, Func<MessageObject, MessageObject> change) =>
        message with { Objects = [change(message.Only())] };

    /// <summary>One single-object message per object of <paramref name="messages"/>, by refId.</summary>
    public static Dictionary<string, ExpressionMessage> ByObject(this IEnumerable<ExpressionMessage> messages) =>
        messages.SelectMany(m => m.Objects.Select(o => m with { Objects = [o] })).ToDictionary(m => m.Objects[0].RefId);

    public static IEnumerable<SampleId> SampleIds(this ExpressionMessage message) =>
        message.AllSentences().Select(x => new SampleId(x.Object.RefId, x.Sentence.Index));
}
