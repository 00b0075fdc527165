namespace Vpd.Model.Unet;

/// <summary>Where an attention layer sits in the UNet (VPD's <c>place_in_unet</c>).</summary>
internal enum UnetPlace
{
    /// <summary>In <c>input_blocks</c>.</summary>
    Down,

    /// <summary>In <c>middle_block</c>.</summary>
    Mid,

    /// <summary>In <c>output_blocks</c>.</summary>
    Up,
}
