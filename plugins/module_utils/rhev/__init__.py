# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""oVirt / RHV engine support: client.py (SSO, requests, reads and writes), vm.py (the normalised VM, power
planning, prediction), devices.py (disks, NICs, cloud-init/sysprep, placement: desired state and plans),
sizes.py (binary units in, the user's units out)."""
