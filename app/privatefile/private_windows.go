package privatefile

import (
	"errors"
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// broadSIDs are the groups a private file must not grant anything to.
var broadSIDs = []struct {
	sid  windows.WELL_KNOWN_SID_TYPE
	name string
}{
	{windows.WinWorldSid, "Everyone"},
	{windows.WinAuthenticatedUserSid, "Authenticated Users"},
	{windows.WinBuiltinUsersSid, "Users"},
	{windows.WinBuiltinGuestsSid, "Guests"},
	{windows.WinAnonymousSid, "Anonymous"},
}

// Check reports (as an error) whether others than the owner can reach
// path, a file Write made or the directory holding one. Windows has no
// mode bits (Go's Chmod only sets read-only); files under %AppData% get the
// ACL of the user's profile: the user, SYSTEM and Administrators. So the
// check reads the DACL and refuses any grant to a group of other people.
func Check(path string) error {
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return fmt.Errorf("read the access list of %s: %w", path, err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return fmt.Errorf("read the access list of %s: %w", path, err)
	}
	if dacl == nil {
		return fmt.Errorf("%s has no access list: everyone may open it", path)
	}
	for i := uint16(0); i < dacl.AceCount; i++ {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, uint32(i), &ace); err != nil {
			return fmt.Errorf("read the access list of %s: %w", path, err)
		}
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE {
			continue
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		for _, b := range broadSIDs {
			if sid.IsWellKnown(b.sid) {
				return fmt.Errorf("%s is open to %s", path, b.name)
			}
		}
	}
	return nil
}

// restrict gives f an access list of its own, not inherited from the
// folder, that lets only the current user in: what chmod 0600 is on Unix
// (Go's Chmod on Windows only sets read-only), and what OpenSSH for
// Windows wants of a private key.
func restrict(f *os.File) error {
	user, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return fmt.Errorf("find the current user: %w", err)
	}
	acl, err := windows.ACLFromEntries([]windows.EXPLICIT_ACCESS{{
		AccessPermissions: windows.GENERIC_ALL, AccessMode: windows.GRANT_ACCESS, Inheritance: windows.NO_INHERITANCE,
		Trustee: windows.TRUSTEE{TrusteeForm: windows.TRUSTEE_IS_SID, TrusteeType: windows.TRUSTEE_IS_USER, TrusteeValue: windows.TrusteeValueFromSID(user.User.Sid)},
	}}, nil)
	if err != nil {
		return err
	}
	// By name: the open handle lacks WRITE_DAC, which the owner always has.
	err = windows.SetNamedSecurityInfo(f.Name(), windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, acl, nil)
	if errors.Is(err, windows.ERROR_NOT_SUPPORTED) || errors.Is(err, windows.ERROR_INVALID_FUNCTION) {
		return nil // a volume with no access lists at all (FAT): nothing to restrict
	}
	if err != nil {
		return fmt.Errorf("make %s private: %w", f.Name(), err)
	}
	return nil
}
