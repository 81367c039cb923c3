/// Site names: where a device stands (a house, an office). Same characters as device names; a device without
/// one is in the default site, which every answer names `default`.
public enum SiteName {
    /// The name of the default site on the wire and the pages; giving it as a site clears the device's site.
    public static let defaultName = "default"

    /// The lower-cased site if it is valid (nil for the default site's name too, as stored); throws nothing:
    /// `isValid` tells a bad name from the default one.
    public static func normalize(_ raw: String) -> String? {
        guard let name = DeviceName.normalize(raw), name != defaultName else { return nil }
        return name
    }

    /// True when `raw` names a site, the default one included.
    public static func isValid(_ raw: String) -> Bool {
        DeviceName.normalize(raw) != nil
    }

    /// The name shown for a stored site (nil is the default site).
    public static func name(_ stored: String?) -> String { stored ?? defaultName }
}
