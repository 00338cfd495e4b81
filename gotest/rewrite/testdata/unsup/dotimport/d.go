package dotimport

import . "sync"

var mu Mutex
